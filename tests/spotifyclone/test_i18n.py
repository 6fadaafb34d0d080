"""The site's language: the listener's profile, the browser's Accept-Language, the switch, the JavaScript catalogue."""

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _listener(language: str) -> User:
    user = UserFactory()
    user.profile.language = language
    user.profile.save(update_fields=["language"])
    return user


def test_only_the_languages_shipped_complete_are_offered() -> None:
    assert [code for code, _ in settings.LANGUAGES] == ["en", "fr"]
    from accounts.models import Profile

    assert [code for code, _ in Profile._meta.get_field("language").choices] == ["en", "fr"]


def test_a_listener_is_answered_in_the_language_of_their_profile_whatever_the_browser_says(client: Client) -> None:
    client.force_login(_listener("fr"))
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "fr"
    assert b'<html lang="fr">' in response.content
    assert b"/jsi18n/fr/?v=" in response.content


def test_the_language_cookie_follows_the_profile_for_the_api_and_after_signing_out(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # chosen before signing in
    client.force_login(_listener("fr"))
    assert client.get("/").cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert settings.LANGUAGE_COOKIE_NAME not in client.get("/").cookies  # set once
    # The API reads no profile: the cookie says French.
    assert client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "fr"


def test_a_visitor_is_answered_in_the_language_their_browser_asks_for(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    assert response["Content-Language"] == "fr"
    assert b'<html lang="fr">' in response.content
    # A language the site is not shipped in falls back to English.
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de").headers["Content-Language"] == "en"


def test_the_profile_language_costs_no_query_of_its_own(client: Client) -> None:
    listener = _listener("en")
    client.force_login(listener)
    client.get("/")  # warm
    with CaptureQueriesContext(connection) as english:
        client.get("/")
    listener.profile.language = "fr"
    listener.profile.save(update_fields=["language"])
    with CaptureQueriesContext(connection) as french:
        assert client.get("/")["Content-Language"] == "fr"
    assert len(french) == len(english)


def test_the_switch_sets_a_visitors_language_and_goes_back_where_they_were(client: Client) -> None:
    response = client.post("/i18n/language/", {"language": "fr"}, HTTP_REFERER="http://testserver/genres/")
    assert response.status_code == 302
    assert response["Location"].endswith("/genres/")
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "fr"


def test_the_switch_saves_a_signed_in_listeners_choice_in_their_profile(client: Client) -> None:
    listener = _listener("en")
    client.force_login(listener)
    client.post("/i18n/language/", {"language": "fr", "next": "/"})
    listener.profile.refresh_from_db()
    assert listener.profile.language == "fr"
    client.post("/i18n/language/", {"language": "de", "next": "/"})  # not shipped: nothing changes
    listener.profile.refresh_from_db()
    assert listener.profile.language == "fr"


def test_a_visitor_who_signs_up_in_french_keeps_french(client: Client) -> None:
    form = {"username": "amelie", "email": "a@example.com", "password1": "a very good password"}
    form["password2"] = form["password1"]
    assert client.post("/accounts/signup/", form, HTTP_ACCEPT_LANGUAGE="fr").status_code == 302
    assert User.objects.get(username="amelie").profile.language == "fr"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "fr"
    # A browser in a language the site is not shipped in signs up in the default.
    client.logout()
    client.cookies.clear()
    form.update(username="ben", email="b@example.com")
    assert client.post("/accounts/signup/", form, HTTP_ACCEPT_LANGUAGE="de").status_code == 302
    assert User.objects.get(username="ben").profile.language == "en"


def test_every_page_offers_the_switch(client: Client) -> None:
    body = client.get("/").content.decode()
    assert 'action="/i18n/language/"' in body
    assert '<option value="fr" lang="fr">Français</option>' in body


def test_the_javascript_catalogue_is_a_cacheable_script_per_language(client: Client, settings: Any) -> None:
    response = client.get("/jsi18n/fr/?v=1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=31536000" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    assert b"django.gettext" in response.content or b"gettext" in response.content
    assert client.get("/jsi18n/de/").status_code == 404


def test_a_french_listener_sees_the_home_page_a_browse_page_and_the_player_bar_in_french(client: Client) -> None:
    client.force_login(_listener("fr"))
    home = client.get("/").content.decode()
    assert "Content de vous revoir" in home
    assert ">Accueil</a>" in home
    assert ">Bibliothèque</a>" in home
    assert ">Se déconnecter</button>" in home
    assert ">♥ Titres likés</a>" in home  # the sidebar
    # The player bar, in every page of a signed-in listener.
    assert 'aria-label="Lecteur"' in home
    assert 'aria-label="Lecture aléatoire"' in home
    assert ">File d'attente</h2>" in home
    assert ">Paroles</h2>" in home
    releases = client.get("/new-releases/").content.decode()
    assert "<h1>Nouvelles sorties</h1>" in releases
    assert "Rien n'est encore sorti." in releases
    search = client.get("/search/").content.decode()
    assert 'placeholder="Que souhaitez-vous écouter\u00a0?"' in search


def test_a_visitor_whose_browser_asks_for_french_sees_french(client: Client) -> None:
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "La musique pour tous" in body
    assert ">Se connecter</a>" in body
    assert ">S'inscrire</a>" in body
    assert "Music for everyone" not in body


def test_counts_take_the_plural_form_of_the_language(client: Client) -> None:
    from playlists.services.playlists import playlist_create

    person = _listener("en")
    viewer = _listener("fr")
    client.force_login(viewer)
    url = f"/users/{person.username}/"
    assert "0 playlist publique" in client.get(url).content.decode()  # French counts 0 as one
    playlist_create(owner=person, name="Une", visibility="public")
    assert "1 playlist publique" in client.get(url).content.decode()
    playlist_create(owner=person, name="Deux", visibility="public")
    assert "2 playlists publiques" in client.get(url).content.decode()
    viewer.profile.language = "en"
    viewer.profile.save(update_fields=["language"])
    assert "2 public playlists" in client.get(url).content.decode()


def test_the_french_javascript_catalogue_holds_the_players_strings_and_plural_rule(client: Client) -> None:
    body = client.get("/jsi18n/fr/").content.decode()
    assert '"Queue cleared."' in body
    assert "File d'attente vid" in body
    assert "(n > 1)" in body  # French: 0 and 1 are singular
    english = client.get("/jsi18n/en/").content.decode()
    assert "File d'attente" not in english
