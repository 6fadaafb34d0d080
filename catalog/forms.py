"""Forms of the artists' studio: they check what a person typed, the services do the rest."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from catalog.models import Album, Artist, ArtistMembership, Track

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"
Role = ArtistMembership.Role


class NameListField(forms.CharField):
    """Comma-separated names, cleaned to a list without blanks or repeats (case aside)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        names: dict[str, str] = {}
        for name in text.split(","):
            name = " ".join(name.split())
            if name:
                names.setdefault(name.casefold(), name)
        return list(names.values())

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list | tuple) else value


class ArtistForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    bio = forms.CharField(label=_("Bio"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ArtistEditForm(ArtistForm):
    picture = forms.FileField(
        label=_("Picture"),
        required=False,
        help_text=_("JPEG, PNG or WebP, 64×64 pixels at least; cropped to a square."),
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
    )


class AlbumForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    album_type = forms.ChoiceField(label=_("Type"), choices=Album.Type.choices, initial=Album.Type.ALBUM)
    release_date = forms.DateField(
        label=_("Release date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    upc = forms.RegexField(
        label=_("UPC"),
        regex=r"^\d{12,14}$",
        required=False,
        error_messages={"invalid": _("A UPC has 12 to 14 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    genres = NameListField(label=_("Genres"), help_text=_("Separated by commas, e.g. Electronic, Pop."))


class ImageForm(forms.Form):
    image = forms.FileField(
        label=_("Image file"),
        help_text=_("JPEG, PNG or WebP, 64×64 pixels at least (640×640 or more looks best); cropped to a square."),
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
    )


class ScheduleForm(forms.Form):
    release_at = forms.DateTimeField(
        label=_("Release at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class TrackForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    explicit = forms.BooleanField(required=False, label=_("Explicit lyrics"))
    isrc = forms.CharField(
        label=_("ISRC"), max_length=15, required=False, help_text=_("12 characters, like USRC17607839."), strip=True
    )
    year = forms.IntegerField(label=_("Year"), min_value=1000, max_value=2999, required=False)
    genres = NameListField(label=_("Genres"), help_text=_("Separated by commas, e.g. Jazz, Soul."))
    featured_artists = NameListField(
        label=_("Featured artists"), help_text=_("Artists in the catalog, by name, separated by commas.")
    )

    def clean_featured_artists(self) -> list[Artist]:
        """Each name (or slug) to the one artist it names in the catalog."""
        names: list[str] = self.cleaned_data["featured_artists"]
        found: list[Artist] = []
        for name in names:
            matches = list(Artist.objects.filter(Q(slug=name) | Q(name__iexact=name))[:2])
            by_slug = [a for a in matches if a.slug == name]
            if by_slug:
                found.append(by_slug[0])
            elif len(matches) == 1:
                found.append(matches[0])
            elif matches:
                raise forms.ValidationError(
                    gettext("Several artists are called “%(name)s”: give the one you mean by its slug.")
                    % {"name": name}
                )
            else:
                raise forms.ValidationError(
                    gettext("There is no artist called “%(name)s” in the catalog.") % {"name": name}
                )
        return found


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Audio files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "audio/*,.lrc", "aria-describedby": "upload-help"}),
        help_text=_(
            "MP3, FLAC, Ogg, Opus, M4A/AAC, ALAC, WAV or AIFF; an .lrc of the same name gives a track's lyrics."
        ),
    )


class MemberAddForm(forms.Form):
    """Whom to invite: a username or an address, as typed (the invitation service reads it)."""

    user = forms.CharField(
        label=_("Username or e-mail address"),
        max_length=254,
        help_text=_("They get an e-mail with a link, and become a member once they accept."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class OwnershipTransferForm(forms.Form):
    """Choose the new owner among the other members."""

    user = forms.TypedChoiceField(label=_("New owner"), coerce=int)

    def __init__(self, *args: Any, members: Sequence[ArtistMembership], me: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {m.user_id: m.user for m in members if m.user_id != me.pk}
        field = self.fields["user"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(pk, f"{u.public_name} (@{u.username})") for pk, u in self.people.items()]

    def clean_user(self) -> User:
        return self.people[self.cleaned_data["user"]]


class TracksAddForm(forms.Form):
    tracks = forms.ModelMultipleChoiceField(
        label=_("Tracks"), queryset=Track.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    disc_number = forms.IntegerField(label=_("Disc"), min_value=1, max_value=99, initial=1)

    def __init__(self, *args: Any, addable: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tracks"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = addable


class TrackMoveForm(forms.Form):
    """Which track moves, one step up or down the running order (``album_track_move`` says where it lands)."""

    track = forms.IntegerField()
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])
