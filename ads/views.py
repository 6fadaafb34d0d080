from django.core import signing
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ads.clicks import click_token_read
from ads.models import AdBreak, Campaign
from ads.services import ad_click_record


@never_cache
@require_GET
def ad_click(request: HttpRequest, token: str) -> HttpResponseRedirect:
    """Count a click on an ad, then send the listener to the advertiser's page."""
    try:
        break_id, campaign_id = click_token_read(token)
        campaign = ad_click_record(break_id=break_id, campaign_id=campaign_id)
    except (signing.BadSignature, ValueError, TypeError, AdBreak.DoesNotExist, Campaign.DoesNotExist):
        raise Http404("No such ad.") from None
    if not campaign.click_url:
        raise Http404("This ad links nowhere.")
    return HttpResponseRedirect(campaign.click_url)
