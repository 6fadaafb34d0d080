from datetime import datetime
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.auth import AuthenticatedHttpRequest
from core.errors import refused
from subscriptions.providers import TRIAL
from subscriptions.selectors import subscription_state
from subscriptions.terms import TRIAL_DAYS, plan_terms


@require_GET
def premium(request: HttpRequest) -> HttpResponse:
    """What Premium gives against the free plan, the listener's own plan, and the trial while it is theirs."""
    state = subscription_state(user=request.user) if request.user.is_authenticated else None
    context = {"plans": plan_terms(), "state": state, "trial_days": TRIAL_DAYS}
    return render(request, "subscriptions/premium.html", context)


@login_required
@require_POST
def trial_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        trial = TRIAL.start(user=request.user)
    except ValidationError as exc:
        refused(request, exc)
    else:
        ends_at = cast(datetime, trial.ends_at)  # a trial always has an end (a database constraint)
        until = date_format(timezone.localtime(ends_at), "j F Y")
        messages.success(
            request, _("Your free trial of Premium has started. It runs until %(until)s.") % {"until": until}
        )
    return redirect("subscriptions:premium")
