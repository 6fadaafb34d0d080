"""Who runs an artist: its members, their roles, the invitations its owners send, ownership."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.auth import AuthenticatedHttpRequest
from catalog import access, selectors
from catalog.forms import MemberAddForm, MemberRoleForm, OwnershipTransferForm
from catalog.models import Artist, ArtistInvitation, ArtistMembership
from catalog.services import artists as artist_services
from catalog.services import invitations as invitation_services
from catalog.views.lookups import editable_artist
from catalog.views.refusals import form_refused
from core.errors import refused
from core.forms import form_focused


def _members_page(
    request: AuthenticatedHttpRequest,
    artist: Artist,
    add_form: Form | None = None,
    transfer_form: Form | None = None,
    members: list[ArtistMembership] | None = None,
) -> HttpResponse:
    if members is None:
        members = list(selectors.artist_members(artist_id=artist.pk))
    mine = next((m for m in members if m.user_id == request.user.pk), None)
    for form in (add_form, transfer_form):
        if form is not None:
            form_focused(form)
    context = {
        "artist": artist,
        "members": members,
        "me": mine,
        "can_manage": access.artist_can_manage(artist_id=artist.pk, user=request.user),
        "add_form": add_form or MemberAddForm(),
        "transfer_form": transfer_form or _transfer_form(request, members),
        "roles": ArtistMembership.Role.choices,
    }
    if context["can_manage"]:
        context["invitations"] = list(selectors.artist_invitation_list(artist_id=artist.pk))
    return render(request, "catalog/artist_members.html", context)


def _transfer_form(
    request: AuthenticatedHttpRequest, members: list[ArtistMembership], data: object = None
) -> OwnershipTransferForm:
    # Its own ids: the invitation form above has a "user" field too.
    return OwnershipTransferForm(data, members=members, me=request.user, auto_id="transfer_%s")


@login_required
@require_http_methods(["GET", "POST"])
def artist_members(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The members page, and its forms, which post to it: an invitation and (``form=transfer``) ownership."""
    artist = editable_artist(request, slug)
    if request.method != "POST":
        return _members_page(request, artist)
    if request.POST.get("form") == "transfer":
        return _ownership_transfer_post(request, artist)
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        return _members_page(request, artist, add_form=form)
    try:
        invitation = invitation_services.artist_invitation_create(
            artist=artist,
            by=request.user,
            invitee=form.cleaned_data["user"],
            role=form.cleaned_data["role"],
            base_url=request.build_absolute_uri("/"),
        )
    except ValidationError as exc:
        form_refused(form, exc)
        return _members_page(request, artist, add_form=form)
    except PermissionDenied as exc:
        refused(request, exc)
    else:
        messages.success(
            request,
            _("%(invitee)s is invited: they become a member of %(artist)s once they accept.")
            % {"invitee": invitation.invitee, "artist": artist.name},
        )
    return redirect("studio:members", slug=artist.slug)


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    artist = editable_artist(request, slug)
    try:
        invitation_services.artist_invitation_revoke(artist=artist, by=request.user, invitation_id=invitation_id)
    except ArtistInvitation.DoesNotExist:
        messages.error(request, _("That invitation was answered, revoked or has expired already."))
    except PermissionDenied as exc:
        refused(request, exc)
    else:
        messages.success(request, _("The invitation is revoked: its link no longer works."))
    return redirect(reverse("studio:members", kwargs={"slug": artist.slug}) + "#invitations")


def _member(artist: Artist, user_id: int) -> ArtistMembership:
    return get_object_or_404(selectors.artist_members(artist_id=artist.pk), user_id=user_id)


@login_required
@require_POST
def member_role(request: AuthenticatedHttpRequest, slug: str, user_id: int) -> HttpResponse:
    artist = editable_artist(request, slug)
    member = _member(artist, user_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose owner or editor."))
        return redirect("studio:members", slug=artist.slug)
    try:
        artist_services.artist_member_role_set(
            artist=artist, by=request.user, user=member.user, role=form.cleaned_data["role"]
        )
    except (ValidationError, PermissionDenied) as exc:
        refused(request, exc)
    else:
        role = ArtistMembership.Role(form.cleaned_data["role"]).label.lower()
        messages.success(request, _("%(name)s is now an %(role)s.") % {"name": member.user.public_name, "role": role})
    return redirect("studio:members", slug=artist.slug)


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, slug: str, user_id: int) -> HttpResponse:
    """Owners remove a member; a member removing themself leaves."""
    artist = editable_artist(request, slug)
    member = _member(artist, user_id)
    leaving = member.user_id == request.user.pk
    try:
        artist_services.artist_member_remove(artist=artist, by=request.user, user=member.user)
    except (ValidationError, PermissionDenied) as exc:
        refused(request, exc)
        return redirect("studio:members", slug=artist.slug)
    if leaving:
        messages.success(request, _("You have left %(name)s.") % {"name": artist.name})
        return redirect("studio:home")
    messages.success(request, _("%(name)s is no longer a member.") % {"name": member.user.public_name})
    return redirect("studio:members", slug=artist.slug)


def _ownership_transfer_post(request: AuthenticatedHttpRequest, artist: Artist) -> HttpResponse:
    members = list(selectors.artist_members(artist_id=artist.pk))
    form = _transfer_form(request, members, request.POST)
    if form.is_valid():
        to = form.cleaned_data["user"]
        try:
            artist_services.artist_ownership_transfer(artist=artist, by=request.user, to=to)
        except ValidationError as exc:
            form_refused(form, exc)
        except PermissionDenied as exc:
            refused(request, exc)
            return redirect("studio:members", slug=artist.slug)
        else:
            messages.success(
                request,
                _("%(name)s now owns %(artist)s; you stay on as an editor.")
                % {"name": to.public_name, "artist": artist.name},
            )
            return redirect("studio:members", slug=artist.slug)
    return _members_page(request, artist, transfer_form=form, members=members)


@login_required
@require_http_methods(["GET", "POST"])
def ownership_transfer(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The transfer form's former address: a POST still transfers, a GET goes to the members page."""
    artist = editable_artist(request, slug)
    if request.method != "POST":
        return redirect("studio:members", slug=artist.slug)
    return _ownership_transfer_post(request, artist)
