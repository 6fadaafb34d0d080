from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.models import OutboxTask


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    """Tasks the broker has not taken yet: to watch during an outage, not to edit."""

    list_display = ("id", "task", "created_at", "attempts", "due_at", "last_error")
    list_filter = ("task",)
    ordering = ("id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
