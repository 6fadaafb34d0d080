from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from accounts.models import Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ("plan", "country", "streaming_quality", "explicit_content", "private_session", "language")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "display_name", "plan", "is_staff", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "profile__plan")
    list_select_related = ("profile",)
    search_fields = ("username", "email", "display_name")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Public profile", {"fields": ("display_name", "avatar")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),)

    def get_inlines(self, request: HttpRequest, obj: User | None) -> list[type[InlineModelAdmin]]:
        # On "add" the new user's profile is made for it; edit it afterwards.
        return [ProfileInline] if obj else []

    @admin.display(ordering="profile__plan")
    def plan(self, obj: User) -> str:
        return obj.profile.get_plan_display()


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "plan", "country", "streaming_quality", "private_session")
    list_filter = ("plan", "streaming_quality", "private_session")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    search_fields = ("user__username", "user__email")
