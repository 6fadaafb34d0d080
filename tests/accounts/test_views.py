import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_sign_up_creates_an_account_and_signs_in(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "grace",
            "email": "grace@example.com",
            "display_name": "Grace",
            "password1": "a very good password",
            "password2": "a very good password",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="grace")
    assert user.profile.plan == "free"
    home = client.get(reverse("home"))
    assert "Good to see you, Grace" in home.content.decode()


@pytest.mark.django_db
def test_sign_up_with_a_taken_email_says_so(client):
    UserFactory(email="grace@example.com")

    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "grace2",
            "email": "GRACE@example.com",
            "password1": "a very good password",
            "password2": "a very good password",
        },
    )

    assert response.status_code == 200
    assert "An account with this email address already exists." in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["ada", "ADA@example.com"])
def test_log_in_with_username_or_email(client, login):
    UserFactory(username="ada", email="ada@example.com")

    response = client.post(reverse("accounts:login"), {"username": login, "password": PASSWORD})

    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_log_in_is_locked_after_five_wrong_passwords(client):
    UserFactory(username="ada")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "ada", "password": "wrong"})

    response = client.post(reverse("accounts:login"), {"username": "ada", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_log_out_needs_a_post(client):
    client.force_login(UserFactory())

    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_email_carries_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="ada@example.com")

    client.post(reverse("accounts:password_reset"), {"email": "ada@example.com"})

    assert len(mail.outbox) == 1
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand new password 7", "new_password2": "brand new password 7"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand new password 7")


@pytest.mark.django_db
def test_password_change(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "another good password", "new_password2": "another good password"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another good password")


@pytest.mark.django_db
def test_settings_page_shows_the_plan_and_saves_preferences(client):
    user = UserFactory()
    client.force_login(user)

    page = client.get(reverse("accounts:settings"))
    assert "streams up to 160 kbit/s" in page.content.decode()
    assert re.search(r'<input type="checkbox" name="autoplay"[^>]* checked>', page.content.decode())  # on by default

    response = client.post(
        reverse("accounts:settings"),
        {
            "display_name": "Night Owl",
            "email": user.email,
            "country": "DE",
            "streaming_quality": "low",
            "explicit_content": "",
            "private_session": "on",
            "language": "fr",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.profile.country.code, user.profile.streaming_quality) == ("Night Owl", "DE", "low")
    assert (user.profile.explicit_content, user.profile.private_session, user.profile.language) == (False, True, "fr")
    assert user.profile.autoplay is False  # its box was left empty


@pytest.mark.django_db
def test_settings_page_needs_a_login(client):
    response = client.get(reverse("accounts:settings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_settings_page_sets_the_crossfade_the_player_bar_carries(client):
    user = UserFactory()
    client.force_login(user)
    form = {"display_name": "", "email": user.email, "streaming_quality": "auto", "language": "en", "autoplay": "on"}

    page = client.get(reverse("accounts:settings")).content.decode()
    assert '<option value="0" selected>Off</option>' in page
    assert '<option value="12">12 seconds</option>' in page
    response = client.post(reverse("accounts:settings"), {**form, "crossfade_seconds": "4"})
    refused = client.post(reverse("accounts:settings"), {**form, "crossfade_seconds": "30"})

    assert response.status_code == 302
    assert refused.status_code == 200
    user.refresh_from_db()
    assert user.profile.crossfade_seconds == 4
    assert 'data-crossfade="4"' in client.get(reverse("accounts:settings")).content.decode()
