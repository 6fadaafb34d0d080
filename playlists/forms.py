"""Forms of the playlist and library pages: they check what a person typed, the services do the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.forms import IMAGE_ACCEPT
from playlists.models import Playlist
from playlists.services import MAX_ID


class PlaylistForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Playlist.Visibility.choices,
        initial=Playlist.Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_(
            "Public: on your profile and in search. Unlisted: only for people with the share link. "
            "Private: only you and your collaborators."
        ),
    )
    collaborative = forms.BooleanField(
        required=False, label=_("Collaborative: the people you invite may add, remove and reorder tracks")
    )


class CoverForm(forms.Form):
    image = forms.FileField(
        label=_("Cover picture"),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("JPEG, PNG or WebP, at least 64×64 pixels; cropped to a square."),
    )


class CollaboratorForm(forms.Form):
    """Whom to invite: a username or an address, as typed (the invitation service reads it)."""

    user = forms.CharField(
        max_length=254,
        label=_("Username or e-mail address"),
        help_text=_("They get an e-mail with a link, and collaborate once they accept."),
    )


class AddTrackForm(forms.Form):
    playlist = forms.IntegerField(min_value=1, max_value=MAX_ID)
    track = forms.IntegerField(min_value=1, max_value=MAX_ID)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class CopyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
