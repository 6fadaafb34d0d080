"""The link an ad's click goes through: it counts the click, then opens the advertiser's page."""

from django.core import signing

SALT = "ads.click"


def click_token(*, break_id: str, campaign_id: int) -> str:
    return signing.dumps([break_id, campaign_id], salt=SALT, compress=True)


def click_token_read(token: str) -> tuple[str, int]:
    """The break and campaign of a click link; BadSignature for one this site did not make."""
    break_id, campaign_id = signing.loads(token, salt=SALT)
    return str(break_id), int(campaign_id)
