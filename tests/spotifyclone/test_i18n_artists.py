"""The studio, the account settings and the insights in French, and refusals in the language asked for.

Rendered through the project's own French catalogue, as a listener who chose French sees them; the
English a test elsewhere asserts on stays English, the default.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts.email_change import mails_for_request
from accounts.models import User
from catalog.models import Album
from insights.services import insights_rollup
from tests.accounts.factories import UserFactory
from tests.catalog.factories import AlbumFactory, ArtistFactory, TrackFactory
from tests.insights.conftest import play

pytestmark = pytest.mark.django_db


def _french(user: User | None = None) -> User:
    user = user or UserFactory()
    user.profile.language = "fr"
    user.profile.save(update_fields=["language"])
    return user


@pytest.fixture
def artist_in_french(client):
    """A French-speaking owner of an artist with a draft album of one track, signed in."""
    owner = _french()
    artist = ArtistFactory(name="Aurora Skies", slug="aurora-skies", owner=owner)
    album = AlbumFactory(artist=artist, title="Polar Night")
    track = TrackFactory(album=album, title="Magnetic North", track_number=1, disc_number=1)
    client.force_login(owner)
    return {"owner": owner, "artist": artist, "album": album, "track": track}


def test_a_french_artist_sees_the_studio_in_french(client, artist_in_french):
    artist, album, track = artist_in_french["artist"], artist_in_french["album"], artist_in_french["track"]

    home = client.get(reverse("studio:home")).content.decode()
    assert '<h2 id="my-artists">Vos artistes</h2>' in home
    assert "Créer l'artiste" in home
    assert "Propriétaire" in home

    dashboard = client.get(reverse("studio:artist", args=[artist.slug])).content.decode()
    assert "Envoyer des titres" in dashboard
    assert "Nouvel album" in dashboard
    assert '<nav class="crumbs" aria-label="Fil d\'Ariane">' in dashboard
    assert ">Titre</label>" in dashboard  # a form's label
    assert "Brouillon" in dashboard  # the album's state

    page = client.get(reverse("studio:album", args=[album.pk])).content.decode()
    assert "Ordre des titres" in page
    assert "Publier maintenant" in page
    assert "· 1 titre</span>" in page  # the count takes the French form
    assert "Pas encore de pochette" in page
    for english in ("Running order", "Publish now", "Add tracks", "Upload artwork", "No artwork yet"):
        assert english not in page

    track_page = client.get(reverse("studio:track", args=[track.pk])).content.decode()
    assert "disque 1, piste 1" in track_page
    assert "Supprimer le titre" in track_page
    assert "Prêt" in track_page  # the track's state

    # A failure reason is stored in English and shown in the listener's language.
    failed = TrackFactory(artist=artist, status="failed", failure_reason="The file has no audio in it.")
    failed_page = client.get(reverse("studio:track", args=[failed.pk])).content.decode()
    assert "Le fichier ne contient pas d&#x27;audio." in failed_page


def test_a_french_listener_sees_the_account_settings_in_french(client):
    client.force_login(_french())

    page = client.get(reverse("accounts:settings")).content.decode()

    assert "<h1>Compte</h1>" in page
    assert "Offre\u00a0: <strong>Gratuit</strong>" in page
    for french in ("Préférences", "Qualité du streaming", "Lecture automatique", "Session privée", "Automatique"):
        assert french in page
    for english in ("Preferences", "Streaming quality", "Private session", "Change your password"):
        assert english not in page


def test_a_french_artist_sees_the_insights_in_french(client, artist_in_french, monkeypatch):
    monkeypatch.setattr("insights.selectors.live_figures", lambda **kwargs: None)
    artist, album, track = artist_in_french["artist"], artist_in_french["album"], artist_in_french["track"]
    album.status, album.published_at = Album.Status.PUBLISHED, timezone.now() - timedelta(days=2)
    album.save(update_fields=["status", "published_at"])
    play(UserFactory(), track, timezone.now() - timedelta(days=1))
    insights_rollup()

    page = client.get(reverse("insights:artist", args=[artist.slug]), {"period": "7d"}).content.decode()

    assert '<h2 id="period-heading">7 derniers jours</h2>' in page
    assert ">28 jours</a>" in page  # the period menu
    assert "Jour de sortie" in page
    assert "Principaux pays" in page
    assert "Sources des écoutes" in page
    assert "1 auditeur" in page
    assert "France" in page  # the country, named by django-countries in the language of the page
    for english in ("Last 7 days", "Top countries", "Listeners", "Streams"):
        assert english not in page


def test_refusals_and_messages_are_in_french_on_the_pages(client, artist_in_french):
    album = artist_in_french["album"]

    refused = client.post(
        reverse("studio:album", args=[album.pk]),
        {"form": "details", "title": "Polar Night", "album_type": "album", "upc": "12"},
    )
    assert "Un UPC compte de 12 à 14 chiffres." in refused.content.decode()

    # A service's refusal, shown as a message on the next page.
    published = client.post(reverse("studio:album_publish", args=[album.pk]), follow=True)
    assert "Un album a besoin d&#x27;une pochette avant d&#x27;être publié." in published.content.decode()


def test_the_email_change_mails_are_written_in_the_language_of_the_request():
    listener = UserFactory(username="ana", email="ana@example.com")

    with translation.override("fr"):  # the request's language, as the settings page sends them
        mails_for_request(user=listener, new_email="ana@example.org", base_url="https://music.example/")

    confirm, warning = mail.outbox
    assert confirm.subject == "Confirmez votre nouvelle adresse e-mail pour spotifyclone"
    assert "Pour confirmer, ouvrez ce lien dans les 2 jours\u00a0:" in confirm.body
    assert warning.subject == "Quelqu'un a demandé à changer l'adresse e-mail de votre compte spotifyclone"
    assert "de ana@example.com en ana@example.org" in warning.body


def test_the_api_answers_a_refusal_in_the_language_the_client_asks_for():
    owner = UserFactory()
    album = AlbumFactory(artist=ArtistFactory(owner=owner))
    api = APIClient()
    api.force_authenticate(owner)

    french = api.post(f"/api/v1/albums/{album.pk}/publish/", HTTP_ACCEPT_LANGUAGE="fr")
    english = api.post(f"/api/v1/albums/{album.pk}/publish/")

    assert french.status_code == english.status_code == 400
    # The code a program branches on stays the same; the message is for a person.
    assert french.json()["error"]["code"] == english.json()["error"]["code"] == "no_artwork"
    assert french.json()["error"]["message"] == "Un album a besoin d'une pochette avant d'être publié."
    assert english.json()["error"]["message"] == "An album needs artwork before it is published."
