from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """For the system's operators: what was sent to whom, and the mail that is stuck."""

    list_display = ("created_at", "recipient", "kind", "subject", "mail_state", "attempts")
    list_filter = ("mail_state", "kind", "digest")
    search_fields = ("recipient__username", "subject")
    raw_id_fields = ("recipient",)
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
