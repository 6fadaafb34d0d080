"""Staff grant and end Premium from the admin: actions on users and on subscriptions.

The plan is no longer edited by hand on a profile: it follows the periods
that run, so the profile's plan is shown read-only and changed through these
actions (``subscriptions/providers.py``).
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin import ProfileAdmin, ProfileInline, UserAdmin
from accounts.models import Profile, User
from subscriptions.models import Subscription
from subscriptions.providers import STAFF_GRANTS, provider_of
from subscriptions.services import subscriptions_end
from subscriptions.terms import STAFF_GRANT_DAYS


def _staff(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fk_name = "user"
    fields = ("plan", "provider", "started_at", "ends_at", "ended_at", "granted_by")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("-started_at",)
    verbose_name_plural = "Subscriptions (use the actions of the user list to grant or end Premium)"


class PlanReadOnlyProfileInline(ProfileInline):
    readonly_fields = ("plan",)


class SubscribedUserAdmin(UserAdmin):
    actions = ("premium_grant_days", "premium_grant_open", "premium_end")

    def get_inlines(self, request: HttpRequest, obj: User | None) -> list[type[InlineModelAdmin]]:
        return [PlanReadOnlyProfileInline, SubscriptionInline] if obj else []

    def _grant(self, request: HttpRequest, users: QuerySet[User], days: int | None) -> None:
        for user in users:
            STAFF_GRANTS.start(user=user, by=_staff(request), days=days)
        length = f"for {days} days" if days is not None else "until ended"
        self.message_user(request, f"Premium granted {length} to {len(users)}.", messages.SUCCESS)

    @admin.action(description=f"Grant Premium for {STAFF_GRANT_DAYS} days")
    def premium_grant_days(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._grant(request, queryset, STAFF_GRANT_DAYS)

    @admin.action(description="Grant Premium until revoked")
    def premium_grant_open(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._grant(request, queryset, None)

    @admin.action(description="End Premium now")
    def premium_end(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            subscriptions_end(user=user)
        self.message_user(request, f"{len(queryset)} back on the free plan.", messages.SUCCESS)


class PlanReadOnlyProfileAdmin(ProfileAdmin):
    readonly_fields = ("plan",)


admin.site.unregister(User)
admin.site.register(User, SubscribedUserAdmin)
admin.site.unregister(Profile)
admin.site.register(Profile, PlanReadOnlyProfileAdmin)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "plan", "provider", "started_at", "ends_at", "ended_at")
    list_filter = ("provider", "plan", ("ended_at", admin.EmptyFieldListFilter))
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "external_id")
    date_hierarchy = "started_at"
    readonly_fields = ("user", "plan", "provider", "external_id", "granted_by", "started_at", "ends_at", "ended_at")
    actions = ("end_now",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # grants are the user list's actions; other periods come from their providers

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # the history is kept (a user deleted takes theirs along)
        return actions

    @admin.action(description="End Premium now")
    def end_now(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        running = [subscription for subscription in queryset if subscription.ended_at is None]
        ended = 0
        for subscription in running:
            try:
                provider = provider_of(subscription)
            except KeyError:
                self.message_user(request, f"{subscription}: no provider of that name any more.", messages.ERROR)
                continue
            provider.cancel(subscription=subscription, by=_staff(request))
            ended += 1
        self.message_user(request, f"Ended {ended} of {len(queryset)}.", messages.SUCCESS)
