"""What each plan gives and what the trial is: read by the Premium page, the API and the providers.

The bitrate caps are the profile's own (``Profile.PLAN_BITRATE_CAPS``), the
ones the stream grant applies, so the page cannot promise what a grant does
not give.
"""

from dataclasses import dataclass

from accounts.models import Profile

TRIAL_PROVIDER = "trial"
TRIAL_DAYS = 30
STAFF_GRANT_DAYS = 30

# Whether a plan's listeners hear ad breaks between tracks.
PLAN_AD_BREAKS = {Profile.Plan.FREE: True, Profile.Plan.PREMIUM: False}


@dataclass(frozen=True)
class PlanTerms:
    plan: str
    name: str
    bitrate_cap: int  # kbit/s, the best its grants offer
    ad_breaks: bool


def plan_terms() -> list[PlanTerms]:
    """Every plan, free first, with what it gives."""
    return [
        PlanTerms(
            plan=plan.value,
            name=str(plan.label),  # in the language of the request
            bitrate_cap=Profile.PLAN_BITRATE_CAPS[plan],
            ad_breaks=PLAN_AD_BREAKS[plan],
        )
        for plan in Profile.Plan
    ]


def trial_available(*, plan: str, trial_taken: bool) -> bool:
    """A listener may start the trial while on the free plan, if they never had it."""
    return not trial_taken and plan == Profile.Plan.FREE
