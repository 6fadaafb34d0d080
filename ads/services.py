"""Writes on ads: starting and completing the breaks listeners owe, and recording what they heard."""

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Profile, User
from ads import tasks
from ads.ledger import ledger_reset, ledger_state
from ads.models import AdBreak, Campaign, Impression
from ads.selectors import ad_break_open, campaigns_eligible, campaigns_pick
from core.outbox import task_enqueue
from streaming.services.clips import clip_renditions_make
from streaming.transcode import TranscodeError


class AdBreakNotDueError(Exception):
    """No break is owed: a Premium listener, or a free one who has not heard enough music since the last."""


class AdBreakTooShortError(Exception):
    def __init__(self, remaining_ms: int) -> None:
        super().__init__(f"The ads are still playing: {remaining_ms} ms to go.")
        self.remaining_ms = remaining_ms


def ad_break_start(*, user: User, country: str, now: dt.datetime | None = None) -> tuple[AdBreak, bool]:
    """The break ``user`` owes, started now with the ads chosen for them; or the one already open.

    Returns the break and whether it is new. A break with no ad to play (no
    campaign for this listener now) is complete as it starts, and the music
    goes on. Raises AdBreakNotDueError when none is owed.
    """
    open_break = ad_break_open(user=user)
    if open_break is not None:
        return open_break, False
    if user.profile.plan != Profile.Plan.FREE or not ledger_state(user_id=user.pk).due:
        raise AdBreakNotDueError()
    now = now or timezone.now()
    picked = campaigns_pick(campaigns_eligible(user=user, country=country, now=now))
    try:
        with transaction.atomic():
            ad_break = AdBreak.objects.create(
                user=user,
                campaigns=[campaign.pk for campaign in picked],
                duration_ms=sum(campaign.duration_ms for campaign in picked),
                country=country[:2].upper(),
                started_at=now,
                completed_at=None if picked else now,
            )
            if picked:
                task_enqueue(tasks.ad_impressions_record, str(ad_break.pk), "start")
    except IntegrityError:  # another request of the same listener opened one first
        open_break = ad_break_open(user=user)
        if open_break is None:
            raise
        return open_break, False
    if not picked:
        ledger_reset(user_id=user.pk)
    return ad_break, True


def ad_break_complete(*, user: User, break_id: str, now: dt.datetime | None = None) -> AdBreak:
    """End ``user``'s break once its ads have had the time to play; grants resume. Done twice, the same.

    Raises AdBreak.DoesNotExist for no such break of theirs, AdBreakTooShortError
    before the ads' total length has passed since the break started.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ad_break = AdBreak.objects.select_for_update().get(pk=break_id, user_id=user.pk)
        if ad_break.completed_at is not None:
            return ad_break
        remaining = ad_break.duration_ms - int((now - ad_break.started_at).total_seconds() * 1000)
        if remaining > 0:
            raise AdBreakTooShortError(remaining)
        ad_break.completed_at = now
        ad_break.save(update_fields=["completed_at"])
        task_enqueue(tasks.ad_impressions_record, str(ad_break.pk), "complete")
    ledger_reset(user_id=user.pk)
    return ad_break


def ad_click_record(*, break_id: str, campaign_id: int) -> Campaign:
    """Queue the record of a click on an ad of a break; the campaign, for its link. DoesNotExist when not in it."""
    ad_break = AdBreak.objects.get(pk=break_id)
    if campaign_id not in ad_break.campaigns:
        raise Campaign.DoesNotExist(campaign_id)
    campaign = Campaign.objects.get(pk=campaign_id)
    with transaction.atomic():
        task_enqueue(tasks.ad_impressions_record, str(ad_break.pk), "click", campaign_id)
    return campaign


def ad_impressions_record(*, break_id: str, event: str, campaign_id: int | None = None) -> int:
    """Record what happened to a break's ads: ``start``, ``complete`` or ``click`` (of ``campaign_id``).

    Idempotent: the impressions of a break are made once (a unique pair of
    break and campaign), and a time once set is kept. Rows the start has not
    made yet (its task still queued) are made by whichever comes first.
    Returns how many impressions changed.
    """
    ad_break = AdBreak.objects.filter(pk=break_id).first()
    if ad_break is None:
        return 0
    live = set(Campaign.objects.filter(pk__in=ad_break.campaigns).values_list("pk", flat=True))
    Impression.objects.bulk_create(
        [
            Impression(
                ad_break=ad_break,
                campaign_id=campaign_id_,
                user_id=ad_break.user_id,
                country=ad_break.country,
                started_at=ad_break.started_at,
            )
            for campaign_id_ in ad_break.campaigns
            if campaign_id_ in live
        ],
        ignore_conflicts=True,
    )
    impressions = Impression.objects.filter(ad_break=ad_break)
    if event == "complete":
        return impressions.filter(completed_at__isnull=True).update(completed_at=ad_break.completed_at)
    if event == "click" and campaign_id is not None:
        return impressions.filter(campaign_id=campaign_id, clicked_at__isnull=True).update(clicked_at=timezone.now())
    return 0


def campaign_audio_queue(*, campaign: Campaign) -> None:
    """A new original was saved for ``campaign``: it is not served until its renditions are made (a task)."""
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.PROCESSING, failure_reason="")
        task_enqueue(tasks.campaign_audio_process, campaign.pk)
    campaign.refresh_from_db()


def campaign_audio_process(*, campaign_id: int) -> Campaign | None:
    """Make the renditions of the campaign's audio, levelled, in a new folder; then serve them.

    Idempotent: renditions already made from the current original are kept. A
    new original replaces the folder (the old one is deleted by a task); audio
    that cannot be transcoded marks the campaign failed, with the reason.
    """
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or not campaign.audio:
        return campaign
    original = campaign.audio.name
    if campaign.status == Campaign.Status.READY and campaign.audio_made_from == original:
        return campaign
    folder = f"ads/{campaign.pk}/{secrets.token_hex(8)}/"
    try:
        media = clip_renditions_make(original=original, folder=folder)
    except (TranscodeError, FileNotFoundError) as exc:
        # FileNotFoundError: the upload is gone from storage, which no retry brings back.
        reason = str(exc) if isinstance(exc, TranscodeError) else "The uploaded audio is missing: upload it again."
        Campaign.objects.filter(pk=campaign.pk, audio=original).update(
            status=Campaign.Status.FAILED, failure_reason=reason[:500]
        )
        return Campaign.objects.get(pk=campaign.pk)
    cap = Profile.PLAN_BITRATE_CAPS[Profile.Plan.FREE]  # only free listeners hear ads
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.audio.name != original:  # replaced while this ran: its own task makes the new one
            task_enqueue(tasks.clip_folder_delete, folder)
            return campaign
        if campaign.media_folder:
            task_enqueue(tasks.clip_folder_delete, campaign.media_folder)
        campaign.status = Campaign.Status.READY
        campaign.media_folder = folder
        campaign.duration_ms = media.duration_ms
        campaign.bitrate = max([kbps for kbps in media.bitrates if kbps <= cap] or media.bitrates[:1])
        campaign.loudness_lufs = media.loudness.integrated_lufs
        campaign.true_peak_dbtp = media.loudness.true_peak_dbtp
        campaign.audio_made_from = original
        campaign.failure_reason = ""
        campaign.save()
    return campaign
