"""Collaborating by invitation: asked by the owner, mailed a link, a collaborator only on saying yes.

Inviting never tells the owner whether an address has an account, nor whose
it is; nobody collaborates who did not accept.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.services.invitations import invitation_token_hash
from playlists.models import Playlist, PlaylistInvitation
from playlists.services.invitations import playlist_invitation_create
from playlists.services.playlists import playlist_create
from tests.accounts.factories import PASSWORD, UserFactory
from tests.catalog.test_invitations import axe_report
from tests.e2e.conftest import browser  # noqa: F401 - the system's Chromium, shared with the other browser tests

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/playlists/invitations/(\d+)/([\w-]+)/)")


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def collaborators(playlist) -> list[str]:
    return sorted(playlist.collaborators.values_list("username", flat=True))


@pytest.fixture
def private(alice):
    return playlist_create(owner=alice, name="Secret Mix", visibility=Playlist.Visibility.PRIVATE)


@pytest.fixture
def grace(db):
    return UserFactory(username="grace", email="grace@example.com", display_name="Grace Hopper")


@pytest.fixture
def invite(private, alice, django_capture_on_commit_callbacks):
    """POST an invitation as alice through the API, mails sent."""

    def post(user: str, by=None, playlist=None):
        with django_capture_on_commit_callbacks(execute=True):
            target = playlist or private
            return api(by or alice).post(f"/api/v1/playlists/{target.pk}/collaborators/", {"user": user}, format="json")

    return post


def link_in(message) -> tuple[str, int, str]:
    path, pk, token = LINK.search(message.body).groups()
    return path, int(pk), token


def test_a_known_and_an_unknown_address_get_the_same_answer_and_nobody_is_added(invite, private, grace):
    known = invite("Grace@Example.com")
    unknown = invite("someone.new@example.com")

    assert (known.status_code, unknown.status_code) == (202, 202)
    assert set(known.json()) == set(unknown.json()) == {"id", "invitee", "status", "created_at", "expires_at"}
    assert (known.json()["invitee"], known.json()["status"]) == ("Grace@Example.com", "pending")
    assert unknown.json()["invitee"] == "someone.new@example.com"
    assert "grace" not in known.content.decode().replace("Grace@Example.com", "")
    assert collaborators(private) == []
    private.refresh_from_db()
    assert not private.collaborative
    assert [m.to for m in mail.outbox] == [["grace@example.com"], ["someone.new@example.com"]]
    assert mail.outbox[0].subject == "Collaborate on “Secret Mix” on spotifyclone"
    assert "invites you to add, remove and reorder the tracks of the playlist “Secret Mix”." in mail.outbox[0].body


def test_the_invited_account_accepts_from_the_mailed_link(invite, private, grace, client):
    invite("grace@example.com")
    path, pk, token = link_in(mail.outbox[0])
    client.force_login(grace)

    shown = client.get(path)
    assert shown.status_code == 200
    assert "to add, remove and reorder the tracks of <strong>Secret Mix</strong>." in shown.content.decode()

    answered = client.post(reverse("playlists:invitation_answer", args=[pk]), {"answer": "accept", "token": token})

    assert answered.url == reverse("playlists:detail", args=[private.pk])
    assert collaborators(private) == ["grace"]
    private.refresh_from_db()
    assert private.collaborative
    assert client.get(reverse("playlists:detail", args=[private.pk])).status_code == 200
    assert not PlaylistInvitation.objects.exists()


def test_nobody_but_the_invited_account_can_open_or_answer_it(invite, private, grace, eve, client):
    invite("grace@example.com")
    path, pk, token = link_in(mail.outbox[0])

    client.force_login(eve)
    assert client.get(path).status_code == 404
    answer = reverse("playlists:invitation_answer", args=[pk])
    assert client.post(answer, {"answer": "accept", "token": token}).status_code == 404
    assert api(eve).post(f"/api/v1/me/playlist-invitations/{pk}/accept/", {"token": token}).status_code == 404
    assert api(eve).get("/api/v1/me/playlist-invitations/").json()["results"] == []
    # The invited address's account needs the link's secret: the link proves the address.
    assert api(grace).post(f"/api/v1/me/playlist-invitations/{pk}/accept/").status_code == 404
    assert api(grace).post(f"/api/v1/me/playlist-invitations/{pk}/accept/", {"token": "guess"}).status_code == 404
    assert collaborators(private) == []


def test_an_account_invited_by_username_accepts_on_its_invitations_page(invite, private, bob, client):
    pk = invite("bob").json()["id"]
    assert mail.outbox[0].to == [bob.email]
    client.force_login(bob)

    listed = client.get(reverse("playlists:invitations")).content.decode()
    assert "<strong>Secret Mix</strong>" in listed
    response = client.post(reverse("playlists:invitation_answer", args=[pk]), {"answer": "accept"}, follow=True)

    assert "You now collaborate on “Secret Mix”: add, remove and reorder its tracks." in response.content.decode()
    assert collaborators(private) == ["bob"]


def test_the_api_lists_and_accepts_with_the_links_token(invite, private, grace):
    invite("grace@example.com")
    _, pk, token = link_in(mail.outbox[0])

    listed = api(grace).get("/api/v1/me/playlist-invitations/").json()["results"]
    assert [(i["id"], i["playlist"]["name"], i["answer_with_link"]) for i in listed] == [(pk, "Secret Mix", True)]
    accepted = api(grace).post(f"/api/v1/me/playlist-invitations/{pk}/accept/", {"token": token}, format="json")

    assert (accepted.status_code, accepted.json()["name"], accepted.json()["collaborative"]) == (
        200,
        "Secret Mix",
        True,
    )
    assert collaborators(private) == ["grace"]


def test_declined_revoked_and_expired_invitations_add_nobody(invite, private, alice, bob, eve):
    late = UserFactory(username="lena")
    ids = {name: invite(name).json()["id"] for name in ("bob", "eve", "lena")}

    assert api(bob).post(f"/api/v1/me/playlist-invitations/{ids['bob']}/decline/").status_code == 204
    assert api(alice).delete(f"/api/v1/playlists/{private.pk}/invitations/{ids['eve']}/").status_code == 204
    assert api(eve).post(f"/api/v1/me/playlist-invitations/{ids['eve']}/accept/").status_code == 404
    PlaylistInvitation.objects.filter(pk=ids["lena"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api(late).post(f"/api/v1/me/playlist-invitations/{ids['lena']}/accept/").status_code == 404

    assert collaborators(private) == []
    assert api(alice).get(f"/api/v1/playlists/{private.pk}/invitations/").json()["results"] == []


def test_an_address_without_an_account_accepts_after_signing_up_with_it(invite, private, client):
    invite("fresh@example.com")
    path, pk, token = link_in(mail.outbox[0])
    client.post(
        reverse("accounts:signup"),
        {"username": "fresh", "email": "fresh@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert client.get(path).status_code == 200
    client.post(reverse("playlists:invitation_answer", args=[pk]), {"answer": "accept", "token": token})
    assert collaborators(private) == ["fresh"]


def test_inviting_twice_keeps_one_invitation_and_sends_one_mail(invite, private):
    first = invite("ada@example.com")
    again = invite("ADA@example.com")

    assert (again.status_code, again.json()["id"]) == (202, first.json()["id"])
    assert PlaylistInvitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_database_keeps_one_pending_invitation_per_playlist_and_person(private, bob):
    later = timezone.now() + timedelta(days=1)
    PlaylistInvitation.objects.create(
        playlist=private, email="ada@example.com", invitee="a", token_hash="a", expires_at=later
    )
    PlaylistInvitation.objects.create(playlist=private, user=bob, invitee="bob", token_hash="b", expires_at=later)
    for duplicate in ({"email": "ada@example.com"}, {"user": bob}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            PlaylistInvitation.objects.create(
                playlist=private, invitee="x", token_hash="c", expires_at=later, **duplicate
            )


def test_only_the_owner_invites_lists_and_revokes(invite, private, shared_with_bob, bob, eve):
    assert invite("ada@example.com", by=bob, playlist=shared_with_bob).status_code == 403
    assert invite("ada@example.com", by=eve).status_code == 404
    pk = invite("ada@example.com").json()["id"]

    for stranger in (bob, eve):
        assert api(stranger).get(f"/api/v1/playlists/{private.pk}/invitations/").status_code == 404
        assert api(stranger).delete(f"/api/v1/playlists/{private.pk}/invitations/{pk}/").status_code == 404
    assert api(bob).get(f"/api/v1/playlists/{shared_with_bob.pk}/invitations/").status_code == 404
    assert PlaylistInvitation.objects.filter(pk=pk).exists()


def test_the_collaborators_list_is_a_page_as_the_schema_says(shared_with_bob, alice, client):
    listed = api(alice).get(f"/api/v1/playlists/{shared_with_bob.pk}/collaborators/")

    assert listed.status_code == 200
    body = listed.json()
    assert (body["count"], [c["user"]["username"] for c in body["results"]]) == (1, ["bob"])
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    path = schema["paths"]["/api/v1/playlists/{id}/collaborators/"]
    got = path["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert got == {"$ref": "#/components/schemas/PaginatedCollaboratorList"}
    assert list(path["post"]["responses"]) == ["202"]
    posted = path["post"]["responses"]["202"]["content"]["application/json"]["schema"]
    assert posted == {"$ref": "#/components/schemas/PlaylistInvitation"}


# The website.


def test_the_owner_invites_sees_and_revokes_on_the_edit_page(
    client, alice, private, grace, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    add = reverse("playlists:collaborator_add", args=[private.pk])

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(add, {"user": "grace@example.com"}, follow=True).content.decode()
        unknown = client.post(add, {"user": "nobody@example.com"}, follow=True).content.decode()

    assert "grace@example.com is invited: they may add, remove and reorder tracks once they accept." in known
    assert "nobody@example.com is invited: they may add, remove and reorder tracks once they accept." in unknown
    assert "Grace Hopper" not in known
    assert "@grace" not in known
    assert collaborators(private) == []
    assert len(mail.outbox) == 2
    refused = client.post(add, {"user": "nobody"}).content.decode()
    assert "Nobody is called “nobody” here. To invite someone new, give their e-mail address." in refused

    pk = PlaylistInvitation.objects.get(email="nobody@example.com").pk
    revoked = client.post(reverse("playlists:invitation_revoke", args=[private.pk, pk]), follow=True).content.decode()
    assert "The invitation is revoked: its link no longer works." in revoked
    assert list(PlaylistInvitation.objects.values_list("email", flat=True)) == ["grace@example.com"]


def test_an_invitee_declines_from_the_mailed_link(invite, private, grace, client):
    invite("grace@example.com")
    _path, pk, token = link_in(mail.outbox[0])
    client.force_login(grace)

    response = client.post(
        reverse("playlists:invitation_answer", args=[pk]), {"answer": "decline", "token": token}, follow=True
    )

    assert "You declined the invitation." in response.content.decode()
    assert not PlaylistInvitation.objects.exists()
    assert collaborators(private) == []


def test_the_invitation_pages_keep_to_the_listener_page_budget(alice, grace, client):
    later = timezone.now() + timedelta(days=3)
    for n in range(10):
        mix = playlist_create(owner=alice, name=f"Mix {n}")
        PlaylistInvitation.objects.create(
            playlist=mix, invited_by=alice, user=grace, invitee="grace", token_hash="x", expires_at=later
        )
    mailed = PlaylistInvitation.objects.create(
        playlist=playlist_create(owner=alice, name="By mail"),
        invited_by=alice,
        email="grace@example.com",
        invitee="grace@example.com",
        token_hash=invitation_token_hash("secret"),
        expires_at=later,
    )
    client.force_login(grace)
    counts = {}
    for url in (reverse("playlists:invitations"), reverse("playlists:invitation", args=[mailed.pk, "secret"])):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts[url] = len(queries)
    assert max(counts.values()) <= 12, counts
    listed = client.get(reverse("playlists:invitations")).content.decode()
    assert listed.count('value="accept"') == 10  # the mailed one is answered from its link
    assert "Sent to grace@example.com: answer it from the link in that e-mail." in listed


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_invitation_pages_pass_axe(browser, live_server, alice, grace):  # noqa: F811
    mix = playlist_create(owner=alice, name="Night Drive")
    playlist_invitation_create(playlist=mix, by=alice, invitee="grace", base_url=live_server.url)
    mailed = playlist_invitation_create(
        playlist=playlist_create(owner=alice, name="Gym"),
        by=alice,
        invitee="grace@example.com",
        base_url=live_server.url,
    )
    PlaylistInvitation.objects.filter(pk=mailed.pk).update(token_hash=invitation_token_hash("secret"))

    as_grace = axe_report(
        browser,
        live_server,
        grace,
        [reverse("playlists:invitations"), reverse("playlists:invitation", args=[mailed.pk, "secret"])],
    )
    as_alice = axe_report(browser, live_server, alice, [reverse("playlists:edit", args=[mix.pk])])

    assert {**as_grace, **as_alice} == dict.fromkeys([*as_grace, *as_alice], "")


def test_staff_see_pending_invitations_in_the_admin_but_do_not_make_them(client, invite):
    invite("ada@example.com")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    listed = client.get("/admin/playlists/playlistinvitation/")

    assert listed.status_code == 200
    assert "ada@example.com" in listed.content.decode()
    assert client.get("/admin/playlists/playlistinvitation/add/").status_code == 403
