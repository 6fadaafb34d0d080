"""Artists and who runs them. An artist always keeps one owner at least."""

from collections.abc import Iterable
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from accounts.models import User
from catalog.access import require_edit, require_manage
from catalog.artwork import artwork_delete, artwork_store
from catalog.models import Artist, ArtistMembership, Genre

Role = ArtistMembership.Role


def unique_slug(base: str, *, taken: Iterable[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not taken."""
    taken_set = set(taken)
    base = base or "untitled"
    slug, n = base, 2
    while slug in taken_set:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def artist_create(*, name: str, owner: User, bio: str = "", verified: bool = False) -> Artist:
    """A new artist page, owned by ``owner``."""
    base = slugify(name)[:200]
    slug = unique_slug(base, taken=Artist.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    artist = Artist(name=name.strip(), slug=slug, bio=bio.strip(), verified=verified)
    artist.full_clean()
    artist.save()
    ArtistMembership.objects.create(artist=artist, user=owner, role=Role.OWNER)
    return artist


def artist_update(*, artist: Artist, by: User, name: str | None = None, bio: str | None = None) -> Artist:
    require_edit(artist_id=artist.pk, user=by)
    fields: list[str] = []
    if name is not None:
        artist.name, fields = name.strip(), [*fields, "name"]
    if bio is not None:
        artist.bio, fields = bio.strip(), [*fields, "bio"]
    artist.full_clean()
    if fields:
        artist.save(update_fields=fields)
    return artist


def artist_image_set(*, artist: Artist, by: User, file: IO[bytes]) -> Artist:
    """Replace the artist's picture (ArtworkError if the image is refused)."""
    require_edit(artist_id=artist.pk, user=by)
    old = artist.image.name
    artist.image.name = artwork_store(file, prefix=f"artists/{artist.pk}")
    artist.save(update_fields=["image"])
    transaction.on_commit(lambda: artwork_delete(old))
    return artist


def _owners_left(artist: Artist) -> int:
    # Lock the artist's memberships so that two owners leaving at once cannot both succeed.
    memberships = ArtistMembership.objects.select_for_update().filter(artist=artist)
    return sum(1 for m in memberships if m.role == Role.OWNER)


@transaction.atomic
def artist_member_add(*, artist: Artist, by: User, user: User, role: str = Role.EDITOR) -> ArtistMembership:
    require_manage(artist_id=artist.pk, user=by)
    try:
        with transaction.atomic():
            return ArtistMembership.objects.create(artist=artist, user=user, role=Role(role))
    except IntegrityError:
        raise ValidationError(
            gettext("%(name)s is already a member.") % {"name": user.public_name}, code="already_member"
        ) from None


@transaction.atomic
def artist_member_role_set(*, artist: Artist, by: User, user: User, role: str) -> ArtistMembership:
    require_manage(artist_id=artist.pk, user=by)
    owners = _owners_left(artist)
    membership = ArtistMembership.objects.filter(artist=artist, user=user).first()
    if membership is None:
        raise ValidationError(gettext("%(name)s is not a member.") % {"name": user.public_name}, code="not_member")
    if membership.role == Role.OWNER and Role(role) != Role.OWNER and owners == 1:
        raise ValidationError(
            gettext("An artist needs one owner at least: make someone else owner first."), code="last_owner"
        )
    membership.role = Role(role)
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def artist_member_remove(*, artist: Artist, by: User, user: User) -> None:
    """Owners remove anyone; any member may leave."""
    if by.pk != user.pk:
        require_manage(artist_id=artist.pk, user=by)
    owners = _owners_left(artist)
    membership = ArtistMembership.objects.filter(artist=artist, user=user).first()
    if membership is None:
        raise ValidationError(gettext("%(name)s is not a member.") % {"name": user.public_name}, code="not_member")
    if membership.role == Role.OWNER and owners == 1:
        raise ValidationError(
            gettext("An artist needs one owner at least: make someone else owner first."), code="last_owner"
        )
    membership.delete()


@transaction.atomic
def artist_ownership_transfer(*, artist: Artist, by: User, to: User) -> None:
    """``to``, a member already, becomes an owner and ``by`` steps down to editor.

    Nobody joins an artist this way: people join by accepting an invitation.
    """
    require_manage(artist_id=artist.pk, user=by)
    if by.pk == to.pk:
        raise ValidationError(gettext("You already own this artist."), code="same_user")
    _owners_left(artist)
    if not ArtistMembership.objects.filter(artist=artist, user=to).update(role=Role.OWNER):
        raise ValidationError(gettext("Only a member can become owner: invite them first."), code="not_member")
    ArtistMembership.objects.filter(artist=artist, user=by).update(role=Role.EDITOR)


def genre_get_or_create(*, name: str) -> Genre:
    name = name.strip()[:64]
    slug = slugify(name)[:64]
    if not slug:
        raise ValidationError(gettext("A genre needs a name with letters or digits."), code="invalid_genre")
    genre, _ = Genre.objects.get_or_create(slug=slug, defaults={"name": name})
    return genre


def genres_get_or_create(*, names: Iterable[str]) -> list[Genre]:
    """The genres of these names, made when new, or a refusal on ``genres`` when one has no letter or digit.

    Call it inside the transaction of the album or track the genres are for,
    so that a refused album or track leaves no new genre behind.
    """
    try:
        return [genre_get_or_create(name=name) for name in names]
    except ValidationError as exc:
        raise ValidationError({"genres": exc.error_list}) from None
