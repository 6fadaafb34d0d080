from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ads.models import AdBreak, Advertiser, Campaign
from ads.selectors import campaign_figures
from ads.services import campaign_audio_queue
from catalog.audio import AudioProbeError, audio_verify
from core.images import ImageError, image_normalise

IMAGE_SIZE = 640
# What the audio's processing sets: shown, never edited.
AUDIO_MADE = ("status", "failure_reason", "media_folder", "duration_ms", "bitrate", "loudness_lufs", "true_peak_dbtp")


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "advertiser", "name", "title", "text", "click_url", "image", "audio",
            "starts_at", "ends_at", "countries", "genres", "weight", "impression_budget", "frequency_cap",
        ]  # fmt: skip

    def clean_audio(self) -> Any:
        audio = self.cleaned_data.get("audio")
        if not isinstance(audio, UploadedFile):
            return audio
        try:
            audio_verify(audio, max_seconds=settings.ADS_BREAK_MAX_SECONDS)
        except AudioProbeError as exc:
            raise forms.ValidationError(str(exc), code="audio") from None
        audio.seek(0)
        return audio

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if not isinstance(image, UploadedFile):
            return image  # unchanged, or cleared
        try:
            image_normalise(image, sizes=(IMAGE_SIZE,))
        except ImageError as exc:
            raise forms.ValidationError(str(exc), code="image") from None
        image.seek(0)
        return image


@admin.register(Advertiser)
class AdvertiserAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "created_at"]
    search_fields = ["name"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = ["name", "advertiser", "status", "starts_at", "ends_at", "weight", "impression_budget"]
    list_filter = ["status", "advertiser"]
    search_fields = ["name", "title", "advertiser__name"]
    autocomplete_fields = ["advertiser"]
    filter_horizontal = ["genres"]
    readonly_fields = [*AUDIO_MADE, "figures"]
    fieldsets = [
        (None, {"fields": ["advertiser", "name", "title", "text", "click_url", "image", "audio"]}),
        ("When and for whom", {"fields": ["starts_at", "ends_at", "countries", "genres"]}),
        ("How often", {"fields": ["weight", "impression_budget", "frequency_cap"]}),
        ("Audio", {"fields": AUDIO_MADE}),
        ("Figures", {"fields": ["figures"]}),
    ]

    def save_model(self, request: Any, obj: Campaign, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "audio" in form.changed_data and obj.audio:
            campaign_audio_queue(campaign=obj)

    @admin.display(description="Impressions")
    def figures(self, campaign: Campaign) -> SafeString | str:
        if campaign.pk is None:
            return "None yet."
        return render_to_string("ads/admin/figures.html", campaign_figures(campaign=campaign))


@admin.register(AdBreak)
class AdBreakAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "started_at", "completed_at", "duration_ms", "country"]
    list_select_related = ["user"]
    readonly_fields = ["user", "campaigns", "duration_ms", "country", "started_at", "completed_at"]

    def has_add_permission(self, request: Any) -> bool:
        return False
