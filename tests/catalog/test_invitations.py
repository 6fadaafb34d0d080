"""Joining an artist by invitation: asked by an owner, mailed a link, a member only on saying yes.

Inviting never tells the owner whether an address has an account, nor whose
it is; nobody is added who did not accept.
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

from catalog.models import ArtistInvitation, ArtistMembership
from catalog.services.invitations import MAX_PENDING, artist_invitation_create, invitation_token_hash
from tests.accounts.factories import PASSWORD, UserFactory
from tests.catalog.factories import ArtistFactory
from tests.e2e.conftest import browser  # noqa: F401 - the system's Chromium, shared with the other browser tests
from tests.e2e.test_pages import accessibility_violations

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/studio/invitations/(\d+)/([\w-]+)/)")


def client_for(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def members(artist) -> dict[str, str]:
    return dict(ArtistMembership.objects.filter(artist=artist).values_list("user__username", "role"))


@pytest.fixture
def grace(db):
    return UserFactory(username="grace", email="grace@example.com", display_name="Grace Hopper")


@pytest.fixture
def invite(artist, owner, django_capture_on_commit_callbacks):
    """POST an invitation as the owner through the API, mails sent."""

    def post(user: str, role: str = "editor", by=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client_for(by or owner).post(
                f"/api/v1/artists/{artist.pk}/members/", {"user": user, "role": role}, format="json"
            )

    return post


def link_in(message) -> tuple[str, int, str]:
    path, pk, token = LINK.search(message.body).groups()
    return path, int(pk), token


def test_a_known_and_an_unknown_address_get_the_same_answer_and_nobody_is_added(invite, artist, grace):
    known = invite("GRACE@example.com")
    unknown = invite("someone.new@example.com")

    assert (known.status_code, unknown.status_code) == (202, 202)
    shape = {"id", "invitee", "role", "status", "created_at", "expires_at"}
    assert set(known.json()) == set(unknown.json()) == shape
    assert {k: v for k, v in known.json().items() if k in {"invitee", "role", "status"}} == {
        "invitee": "GRACE@example.com",
        "role": "editor",
        "status": "pending",
    }
    assert unknown.json()["invitee"] == "someone.new@example.com"
    assert "grace" not in known.content.decode().replace("GRACE@example.com", "")
    assert "Hopper" not in known.content.decode()
    assert members(artist) == {"owner": "owner", "editor": "editor"}
    assert [m.to for m in mail.outbox] == [["grace@example.com"], ["someone.new@example.com"]]


def test_the_mail_links_to_the_invitation_which_expires_in_two_weeks(invite, artist):
    answer = invite("ada@example.com", role="owner")

    [message] = mail.outbox
    assert message.subject == "Join Aurora Fields on spotifyclone"
    assert "invites you to help run Aurora Fields on spotifyclone, as an owner." in message.body
    _path, pk, token = link_in(message)
    assert pk == answer.json()["id"]
    invitation = ArtistInvitation.objects.get(pk=pk)
    assert abs(invitation.expires_at - invitation.created_at - timedelta(days=14)) < timedelta(minutes=1)
    assert token not in invitation.token_hash  # only its hash is kept


def test_the_invited_account_accepts_from_the_mailed_link(invite, artist, grace, client):
    invite("grace@example.com", role="editor")
    path, pk, token = link_in(mail.outbox[0])
    client.force_login(grace)

    page = client.get(path)
    assert page.status_code == 200
    assert "invites you to help run <strong>Aurora Fields</strong> as editor." in page.content.decode()
    assert members(artist) == {"owner": "owner", "editor": "editor"}

    answered = client.post(reverse("studio:invitation_answer", args=[pk]), {"answer": "accept", "token": token})

    assert answered.status_code == 302
    assert answered.url == reverse("studio:artist", args=[artist.slug])
    assert members(artist) == {"owner": "owner", "editor": "editor", "grace": "editor"}
    assert not ArtistInvitation.objects.exists()
    assert client.get(path).status_code == 404  # used up


def test_nobody_but_the_invited_account_can_open_or_answer_it(invite, artist, grace, stranger, client):
    invite("grace@example.com")
    path, pk, token = link_in(mail.outbox[0])

    client.force_login(stranger)
    assert client.get(path).status_code == 404
    assert (
        client.post(reverse("studio:invitation_answer", args=[pk]), {"answer": "accept", "token": token}).status_code
        == 404
    )
    api = client_for(stranger)
    assert api.post(f"/api/v1/me/artist-invitations/{pk}/accept/", {"token": token}, format="json").status_code == 404
    assert api.post(f"/api/v1/me/artist-invitations/{pk}/decline/", {"token": token}, format="json").status_code == 404
    assert api.get("/api/v1/me/artist-invitations/").json()["results"] == []
    # The right account needs the link's secret for an invitation to its address: the link proves the address.
    refused = client_for(grace).post(f"/api/v1/me/artist-invitations/{pk}/accept/", {}, format="json")
    assert (refused.status_code, refused.json()["error"]["code"]) == (404, "not_found")
    assert members(artist) == {"owner": "owner", "editor": "editor"}
    assert ArtistInvitation.objects.count() == 1


def test_an_account_invited_by_username_accepts_in_the_studio(invite, artist, grace, client):
    answer = invite("Grace")
    assert (answer.status_code, answer.json()["invitee"]) == (202, "Grace")
    assert mail.outbox[0].to == ["grace@example.com"]
    client.force_login(grace)

    home = client.get(reverse("studio:home")).content.decode()
    assert "<strong>Aurora Fields</strong> invites you as editor" in home

    response = client.post(
        reverse("studio:invitation_answer", args=[answer.json()["id"]]), {"answer": "accept"}, follow=True
    )
    assert "You are now an editor of Aurora Fields." in response.content.decode()
    assert members(artist)["grace"] == "editor"


def test_an_unknown_username_is_refused_as_usernames_are_public(invite, artist):
    answer = invite("nobody-at-all")

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "unknown_user"
    assert not ArtistInvitation.objects.exists()
    assert mail.outbox == []


def test_the_api_lists_and_accepts_invitations_with_the_links_token(invite, artist, grace):
    invite("grace@example.com", role="owner")
    _, pk, token = link_in(mail.outbox[0])
    api = client_for(grace)

    listed = api.get("/api/v1/me/artist-invitations/").json()
    assert [(i["id"], i["artist"]["name"], i["role"], i["answer_with_link"]) for i in listed["results"]] == [
        (pk, "Aurora Fields", "owner", True)
    ]
    accepted = api.post(f"/api/v1/me/artist-invitations/{pk}/accept/", {"token": token}, format="json")

    assert accepted.status_code == 200
    assert (accepted.json()["artist"]["name"], accepted.json()["role"]) == ("Aurora Fields", "owner")
    assert members(artist)["grace"] == "owner"


def test_declined_revoked_and_expired_invitations_add_nobody(invite, artist, owner, client):
    declining = UserFactory(username="dora", email="dora@example.com")
    late = UserFactory(username="lena", email="lena@example.com")
    revoked = UserFactory(username="remy", email="remy@example.com")
    invite("dora")
    invite("lena")
    invite("remy")
    ids = dict(ArtistInvitation.objects.values_list("invitee", "pk"))

    assert client_for(declining).post(f"/api/v1/me/artist-invitations/{ids['dora']}/decline/").status_code == 204
    ArtistInvitation.objects.filter(pk=ids["lena"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client_for(late).post(f"/api/v1/me/artist-invitations/{ids['lena']}/accept/").status_code == 404
    assert client_for(owner).delete(f"/api/v1/artists/{artist.pk}/invitations/{ids['remy']}/").status_code == 204
    assert client_for(revoked).post(f"/api/v1/me/artist-invitations/{ids['remy']}/accept/").status_code == 404

    assert members(artist) == {"owner": "owner", "editor": "editor"}
    assert client_for(owner).get(f"/api/v1/artists/{artist.pk}/invitations/").json()["results"] == []
    assert client_for(late).get("/api/v1/me/artist-invitations/").json()["results"] == []


def test_an_address_without_an_account_accepts_after_signing_up_with_it(invite, artist, client):
    invite("New.Person@Example.com")
    path, pk, token = link_in(mail.outbox[0])

    assert client.get(path).url.startswith(reverse("accounts:login"))  # sign in (or up) first
    signed_up = client.post(
        reverse("accounts:signup"),
        {
            "username": "newperson",
            "email": "new.person@example.com",
            "display_name": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert signed_up.status_code == 302
    assert client.get(path).status_code == 200
    client.post(reverse("studio:invitation_answer", args=[pk]), {"answer": "accept", "token": token})

    assert members(artist)["newperson"] == "editor"


def test_inviting_twice_keeps_one_invitation_and_sends_one_mail(invite, artist):
    first = invite("ada@example.com")
    again = invite("ADA@example.com", role="owner")

    assert again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert list(ArtistInvitation.objects.values_list("email", "role")) == [("ada@example.com", "owner")]
    assert len(mail.outbox) == 1


def test_the_database_keeps_one_pending_invitation_per_artist_and_person(artist, grace):
    later = timezone.now() + timedelta(days=1)
    ArtistInvitation.objects.create(
        artist=artist, email="ada@example.com", invitee="ada", token_hash="a", expires_at=later
    )
    ArtistInvitation.objects.create(artist=artist, user=grace, invitee="grace", token_hash="b", expires_at=later)
    for duplicate in ({"email": "ada@example.com"}, {"user": grace}, {"user": grace, "email": "x@example.com"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ArtistInvitation.objects.create(artist=artist, invitee="x", token_hash="c", expires_at=later, **duplicate)


def test_an_owner_cannot_mail_the_world(artist, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(MAX_PENDING):
            artist_invitation_create(artist=artist, by=owner, invitee=f"p{n}@example.com", base_url="http://testserver")
    answer = client_for(owner).post(
        f"/api/v1/artists/{artist.pk}/members/", {"user": "one.more@example.com"}, format="json"
    )

    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "too_many")
    assert ArtistInvitation.objects.count() == MAX_PENDING


def test_only_owners_invite_list_and_revoke(invite, artist, editor, stranger):
    assert invite("ada@example.com", by=editor).status_code == 403
    assert invite("ada@example.com", by=stranger).status_code in (403, 404)
    pk = invite("ada@example.com").json()["id"]

    assert client_for(editor).get(f"/api/v1/artists/{artist.pk}/invitations/").status_code == 403
    assert client_for(stranger).get(f"/api/v1/artists/{artist.pk}/invitations/").status_code == 404
    assert client_for(editor).delete(f"/api/v1/artists/{artist.pk}/invitations/{pk}/").status_code == 403
    assert client_for(stranger).delete(f"/api/v1/artists/{artist.pk}/invitations/{pk}/").status_code == 404
    other = ArtistFactory()
    assert (
        client_for(other.memberships.get().user).delete(f"/api/v1/artists/{other.pk}/invitations/{pk}/").status_code
        == 404
    )
    assert ArtistInvitation.objects.filter(pk=pk).exists()


def test_an_invitation_whose_inviter_no_longer_runs_the_artist_cannot_be_accepted(invite, artist, owner, editor, grace):
    pk = invite("grace", role="owner", by=owner).json()["id"]
    ArtistMembership.objects.filter(artist=artist, user=owner).update(role="editor")
    ArtistMembership.objects.filter(artist=artist, user=editor).update(role="owner")

    refused = client_for(grace).post(f"/api/v1/me/artist-invitations/{pk}/accept/")

    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "invitation_void")
    assert "grace" not in members(artist)


def test_the_members_list_is_a_page_as_the_schema_says(artist, owner, client):
    listed = client_for(owner).get(f"/api/v1/artists/{artist.pk}/members/")

    assert listed.status_code == 200
    body = listed.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert [(m["username"], m["role"]) for m in body["results"]] == [("editor", "editor"), ("owner", "owner")]
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    members_path = schema["paths"]["/api/v1/artists/{id}/members/"]
    content = members_path["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert content == {"$ref": "#/components/schemas/PaginatedMemberList"}
    posted = members_path["post"]["responses"]
    assert list(posted) == ["202"]
    assert posted["202"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ArtistInvitation"}
    assert {p["name"] for p in members_path["get"]["parameters"]} == {"id", "page", "page_size"}


def test_ownership_goes_only_to_a_member(artist, owner, grace):
    refused = client_for(owner).post(
        f"/api/v1/artists/{artist.pk}/transfer-ownership/", {"user": "grace@example.com"}, format="json"
    )

    assert refused.status_code == 400
    assert "grace" not in refused.content.decode()
    assert members(artist) == {"owner": "owner", "editor": "editor"}


# The studio's pages.


def test_an_owner_invites_sees_and_revokes_on_the_members_page(
    client, artist, owner, grace, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    url = reverse("studio:members", args=[artist.slug])

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"user": "grace@example.com", "role": "editor"}, follow=True).content.decode()
        unknown = client.post(url, {"user": "nobody@example.com", "role": "editor"}, follow=True).content.decode()

    assert "grace@example.com is invited: they become a member of Aurora Fields once they accept." in known
    assert "nobody@example.com is invited: they become a member of Aurora Fields once they accept." in unknown
    assert "Grace Hopper" not in known
    assert "@grace" not in known
    assert members(artist) == {"owner": "owner", "editor": "editor"}
    assert len(mail.outbox) == 2
    assert "<strong>grace@example.com</strong> as editor" in unknown
    pk = ArtistInvitation.objects.get(email="nobody@example.com").pk

    revoked = client.post(reverse("studio:invitation_revoke", args=[artist.slug, pk]), follow=True).content.decode()

    assert "The invitation is revoked: its link no longer works." in revoked
    assert "nobody@example.com</strong>" not in revoked
    assert list(ArtistInvitation.objects.values_list("email", flat=True)) == ["grace@example.com"]


def test_an_invitee_declines_from_the_mailed_link(invite, artist, grace, client):
    invite("grace@example.com")
    _path, pk, token = link_in(mail.outbox[0])
    client.force_login(grace)

    response = client.post(
        reverse("studio:invitation_answer", args=[pk]), {"answer": "decline", "token": token}, follow=True
    )

    assert "You declined the invitation." in response.content.decode()
    assert not ArtistInvitation.objects.exists()
    assert "grace" not in members(artist)


def test_the_invitation_page_and_the_studio_home_keep_to_the_page_budget(artist, owner, grace, client):
    later = timezone.now() + timedelta(days=3)
    for n in range(10):
        other = ArtistFactory(name=f"Band {n}")
        ArtistInvitation.objects.create(
            artist=other,
            invited_by=other.memberships.get().user,
            user=grace,
            invitee="grace",
            token_hash="x",
            expires_at=later,
        )
    invitation = ArtistInvitation.objects.create(
        artist=artist,
        invited_by=owner,
        email="grace@example.com",
        invitee="grace@example.com",
        token_hash="",
        expires_at=later,
    )
    ArtistInvitation.objects.filter(pk=invitation.pk).update(token_hash=invitation_token_hash("secret"))
    client.force_login(grace)
    for url in (reverse("studio:home"), reverse("studio:invitation", args=[invitation.pk, "secret"])):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(queries) <= 12, url
    assert response.content.decode().count("Band ") == 0
    assert client.get(reverse("studio:home")).content.decode().count("invites you as editor") == 11


def axe_report(browser, live_server, user, paths: list[str]) -> dict[str, str]:  # noqa: F811
    """Sign ``user`` in, open each page at a phone's and a desktop's width, and say what axe-core finds."""
    page = browser.new_page()
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    found = {}
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 844})
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
        found[path] = accessibility_violations(page)
    page.close()
    return found


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_studios_invitation_pages_pass_axe(browser, live_server, owner, artist, grace):  # noqa: F811
    by_name = artist_invitation_create(artist=artist, by=owner, invitee="grace", base_url=live_server.url)
    mailed = artist_invitation_create(
        artist=ArtistFactory(name="Polar Lights", owner=owner),
        by=owner,
        invitee="Grace@example.com",
        base_url=live_server.url,
    )
    ArtistInvitation.objects.filter(pk=mailed.pk).update(token_hash=invitation_token_hash("secret"))
    assert by_name.user_id == grace.pk

    as_grace = axe_report(
        browser, live_server, grace, [reverse("studio:home"), reverse("studio:invitation", args=[mailed.pk, "secret"])]
    )
    as_owner = axe_report(browser, live_server, owner, [reverse("studio:members", args=[artist.slug])])

    assert {**as_grace, **as_owner} == dict.fromkeys([*as_grace, *as_owner], "")


def test_staff_see_pending_invitations_in_the_admin_but_do_not_make_them(client, staff, invite):
    invite("ada@example.com")
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)

    listed = client.get("/admin/catalog/artistinvitation/")

    assert listed.status_code == 200
    assert "ada@example.com" in listed.content.decode()
    assert client.get("/admin/catalog/artistinvitation/add/").status_code == 403


def test_a_line_break_in_the_artists_name_does_not_stop_the_mail(owner, django_capture_on_commit_callbacks):
    band = ArtistFactory(name="Aurora\nFields", owner=owner)

    with django_capture_on_commit_callbacks(execute=True):
        artist_invitation_create(artist=band, by=owner, invitee="ada@example.com", base_url="http://testserver")

    assert [m.subject for m in mail.outbox] == ["Join Aurora Fields on spotifyclone"]
