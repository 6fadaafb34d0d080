import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts import services
from accounts.models import User
from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_user_create_makes_an_account_that_can_sign_in():
    user = services.user_create(username="ada", email="Ada@Example.COM", password="correct horse battery")

    assert user.email == "Ada@example.com"
    assert user.check_password("correct horse battery")
    assert user.profile.plan == "free"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "email", "password", "field"),
    [
        ("ADA", "other@example.com", "correct horse battery", "username"),
        ("other", "ADA@example.com", "correct horse battery", "email"),
        ("other", "other@example.com", "123", None),
        ("other", "not-an-email", "correct horse battery", "email"),
    ],
)
def test_user_create_refuses_clashes_and_weak_passwords_and_writes_nothing(username, email, password, field):
    UserFactory(username="ada", email="ada@example.com")

    with pytest.raises(ValidationError) as excinfo:
        services.user_create(username=username, email=email, password=password)

    if field:
        assert field in excinfo.value.message_dict
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_account_update_changes_preferences():
    user = UserFactory()

    services.account_update(user=user, display_name="Ada L.", streaming_quality="high", country="NO")

    user.refresh_from_db()
    assert user.display_name == "Ada L."
    assert user.profile.streaming_quality == "high"
    assert user.profile.country.code == "NO"


@pytest.mark.django_db
def test_account_update_refuses_fields_a_person_may_not_set():
    user = UserFactory()

    with pytest.raises(ValidationError):
        services.account_update(user=user, plan="premium")

    user.profile.refresh_from_db()
    assert user.profile.plan == "free"


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "purple").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_avatar_is_stored_as_a_clean_square_jpeg():
    user = UserFactory()

    services.account_update(user=user, avatar=SimpleUploadedFile("me.png", _png(500, 300)))

    user.refresh_from_db()
    with user.avatar.open("rb") as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (256, 256))
        assert "exif" not in image.info


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not an image"),
        (_png(20, 20), "64"),
    ],
)
def test_a_bad_avatar_is_refused_and_nothing_changes(content, message):
    user = UserFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.account_update(user=user, avatar=SimpleUploadedFile("me.png", content), display_name="Changed")

    assert message in str(excinfo.value)
    user.refresh_from_db()
    assert not user.avatar
    assert user.display_name != "Changed"
