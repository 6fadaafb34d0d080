from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import MAX_CROSSFADE_SECONDS, Profile, User


class SignUpForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("username", "email", "display_name")
        labels = {"display_name": _("Display name")}

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email


class AccountForm(forms.ModelForm):
    avatar = forms.ImageField(
        label=_("Picture"), required=False, help_text=_("JPEG, PNG or WebP; cropped to a square.")
    )
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed to change your email address. The new address gets a link to confirm it."),
    )
    field_order = ("display_name", "email", "current_password", "avatar")

    class Meta:
        model = User
        fields = ("display_name", "email")
        labels = {"display_name": _("Display name"), "email": _("Email address")}


class PreferencesForm(forms.ModelForm):
    # Off, or 1 to 12 seconds; left out of a post (an older form), it is off.
    crossfade_seconds = forms.TypedChoiceField(
        label=_("Crossfade"),
        coerce=int,
        required=False,
        empty_value=0,  # type: ignore[arg-type]  # the stubs want a str; any value is allowed
        help_text=_(
            "Fade each track into the next. The tracks of an album played in order always follow each other "
            "without a gap, and are not faded."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        seconds = [
            (n, ngettext("%(count)d second", "%(count)d seconds", n) % {"count": n})
            for n in range(1, MAX_CROSSFADE_SECONDS + 1)
        ]
        crossfade = self.fields["crossfade_seconds"]
        assert isinstance(crossfade, forms.TypedChoiceField)
        crossfade.choices = [(0, _("Off")), *seconds]

    class Meta:
        model = Profile
        fields = (
            "country",
            "streaming_quality",
            "explicit_content",
            "private_session",
            "autoplay",
            "crossfade_seconds",
            "language",
        )
        labels = {
            "country": _("Country"),
            "streaming_quality": _("Streaming quality"),
            "explicit_content": _("Explicit content"),
            "private_session": _("Private session"),
            "autoplay": _("Autoplay"),
            "language": _("Language"),
        }
        help_texts = {
            "country": _("Where you listen from; picks the nearest edge."),
            "explicit_content": _("Play tracks marked explicit."),
            "private_session": _("Listen without adding to your history or to play counts."),
            "autoplay": _("When the music you play ends, keep playing similar tracks."),
        }
