from django.db import migrations, models

# PostgreSQL only: a trigram index on the tracks' lyrics, for a phrase anywhere in them
# (LIKE '%over the water%'), over the few entries that have lyrics.
POSTGRES_FORWARD = """
CREATE INDEX search_entry_lyrics_trgm ON search_searchentry USING gin (lyrics gin_trgm_ops)
    WHERE visible AND kind = 'track' AND lyrics <> '';
"""
POSTGRES_BACKWARD = "DROP INDEX IF EXISTS search_entry_lyrics_trgm;"


def _postgres_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_lyrics"),
        ("search", "0005_name_index_c"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="lyrics",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(_postgres_only(POSTGRES_FORWARD), _postgres_only(POSTGRES_BACKWARD)),
    ]
