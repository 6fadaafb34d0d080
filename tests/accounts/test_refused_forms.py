"""A refused account form loads with the focus on its first field in error, the error next to it and read with it."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _field(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    assert tag, name
    return tag.group(0)


def test_a_refused_picture_on_the_settings_page_is_focused_and_described(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:settings"),
        {
            "display_name": "Night Owl",
            "email": user.email,
            "streaming_quality": "normal",
            "language": "en",
            "avatar": SimpleUploadedFile("me.png", b"not an image", content_type="image/png"),
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    avatar = _field(html, "avatar")
    assert "autofocus" in avatar
    assert 'aria-describedby="id_avatar_helptext id_avatar_error"' in avatar
    assert re.search(r'<div class="field-errors" id="id_avatar_error"><p class="error">[^<]+</p></div>', html)
    assert "autofocus" not in _field(html, "display_name")
    user.refresh_from_db()
    assert user.display_name != "Night Owl"
