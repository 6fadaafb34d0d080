from django.db import migrations, models

# The languages the site is shipped complete in (settings.LANGUAGES); a profile that chose any
# other falls back to English, the language the site is written in.
SHIPPED = ("en", "fr")


def languages_fall_back(apps, schema_editor):
    Profile = apps.get_model("accounts", "Profile")
    Profile.objects.exclude(language__in=SHIPPED).update(language="en")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_profile_autoplay"),
    ]

    operations = [
        migrations.RunPython(languages_fall_back, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="profile",
            name="language",
            field=models.CharField(choices=[("en", "English"), ("fr", "Français")], default="en", max_length=10),
        ),
    ]
