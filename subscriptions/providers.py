"""Who starts and ends a subscription: the providers, and the one shape they share.

A provider is what a period of Premium comes from. It has a ``name`` (kept
on each row it starts), starts a period for a listener and cancels one. It
decides who may have what and for how long; the services
(``subscriptions/services.py``) keep the rows and set the plan.

Two ship: staff grants (the admin's actions) and the trial, once per
listener. A payment provider (a card processor) would be a third: its
webhook view checks the processor's signature, then calls ``start`` when a
payment for a period succeeds (with the processor's subscription id as
``external_id``) and ``cancel`` when the listener cancels or a payment
fails; ``docs/subscriptions.md`` walks through it.
"""

from datetime import timedelta
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Profile, User
from subscriptions.models import Subscription
from subscriptions.services import subscription_end, subscription_start
from subscriptions.terms import STAFF_GRANT_DAYS, TRIAL_DAYS, TRIAL_PROVIDER


class Provider(Protocol):
    """What every provider offers: its name, starting a period for a listener, and cancelling one."""

    name: str
    label: str

    def start(self, *, user: User, by: User | None = None) -> Subscription: ...

    def cancel(self, *, subscription: Subscription, by: User | None = None) -> Subscription: ...


class StaffGrants:
    """Premium given by staff from the admin: for a number of days, or until they end it."""

    name = "staff"
    label = "Granted by staff"

    def start(self, *, user: User, by: User | None = None, days: int | None = STAFF_GRANT_DAYS) -> Subscription:
        at = timezone.now()
        ends_at = at + timedelta(days=days) if days is not None else None
        return subscription_start(user=user, provider=self.name, ends_at=ends_at, granted_by=by, at=at)

    def cancel(self, *, subscription: Subscription, by: User | None = None) -> Subscription:
        return subscription_end(subscription=subscription)


class Trial:
    """Thirty days of Premium that a listener on the free plan may start once, ever."""

    name = TRIAL_PROVIDER
    label = "Free trial"
    days = TRIAL_DAYS

    @transaction.atomic
    def start(self, *, user: User, by: User | None = None) -> Subscription:
        profile = Profile.objects.select_for_update().get(user=user)
        if Subscription.objects.filter(user=user, provider=self.name).exists():
            raise ValidationError(_("You have already had your free trial of Premium."), code="trial_used")
        if profile.plan != Profile.Plan.FREE:
            raise ValidationError(_("You already have Premium."), code="already_premium")
        at = timezone.now()
        try:
            return subscription_start(user=user, provider=self.name, ends_at=at + timedelta(days=self.days), at=at)
        except IntegrityError as exc:  # another request started it meanwhile (the one-trial constraint)
            raise ValidationError(_("You have already had your free trial of Premium."), code="trial_used") from exc

    def cancel(self, *, subscription: Subscription, by: User | None = None) -> Subscription:
        return subscription_end(subscription=subscription)


STAFF_GRANTS = StaffGrants()
TRIAL = Trial()
PROVIDERS: dict[str, Provider] = {provider.name: provider for provider in (STAFF_GRANTS, TRIAL)}


def provider_of(subscription: Subscription) -> Provider:
    """The provider that started ``subscription``, to cancel it the way it wants."""
    return PROVIDERS[subscription.provider]
