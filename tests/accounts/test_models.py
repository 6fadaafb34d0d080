import pytest

from accounts.models import Profile
from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_every_new_user_has_a_free_profile():
    user = UserFactory()

    assert user.profile.plan == Profile.Plan.FREE
    assert user.profile.streaming_quality == Profile.Quality.AUTO


@pytest.mark.parametrize(
    ("plan", "quality", "cap", "bitrate"),
    [
        ("free", "auto", 160, 160),
        ("free", "low", 160, 64),
        ("free", "normal", 160, 96),
        ("free", "high", 160, 160),
        ("free", "very_high", 160, 160),
        ("premium", "auto", 320, 320),
        ("premium", "normal", 320, 96),
        ("premium", "very_high", 320, 320),
    ],
)
def test_the_plan_caps_the_bitrate_and_quality_picks_within_it(plan, quality, cap, bitrate):
    profile = Profile(plan=plan, streaming_quality=quality)

    assert profile.bitrate_cap == cap
    assert profile.stream_bitrate == bitrate
