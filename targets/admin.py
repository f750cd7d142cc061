"""The targets in the Django admin, and the admin site's words in Vietnamese.

Officers and administrators edit targets on the target's own page of the system
(targets:target_edit, with a preview of whom it would count); the admin keeps them for system
administrators, who may still reach every field there.

The admin is one site, which shows the words of Django and of the third-party apps beside ours
(django-axes, django-otp, django-tasks-db, django-auditlog). Their words marked for
translation that their catalogues lack in Vietnamese are in this app's catalogue
(targets/locale: any app's catalogue serves every message, and the admin's script catalogue
is read from here too, `i18n_javascript`); the few they never mark for translation — the
apps' names, the TOTP device's labels, the log entries' summaries — are given here.
"""

from auditlog import get_logentry_model
from auditlog.admin import LogEntryAdmin
from auditlog.filters import CIDFilter, ResourceTypeFilter
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import display_for_value
from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.i18n import JavaScriptCatalog
from django_otp.conf import settings as otp_settings
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from targets.forms import GENERAL, POPULATION, REQUIREMENT, WINDOW
from targets.models import Snapshot, SourceDocument, Target


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["code", "number", "issued_on", "issuer"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """System administrators may still edit every field of a target here; everyone else
    (and they too, with a preview) on the target's page of the system."""

    list_display = [
        "code",
        "name",
        "document",
        "kind",
        "threshold",
        "window",
        "scope_unit",
        "active",
        "builtin",
    ]
    list_filter = ["document", "kind", "active", "builtin"]
    search_fields = ["code", "name", "wording"]
    raw_id_fields = ["scope_unit", "adopted_from"]
    filter_horizontal = ["roles", "levels", "unit_kinds", "topics", "programmes"]
    # The target page's four parts (targets.forms), and what only the admin shows.
    fieldsets = [
        (None, {"fields": [*GENERAL, "adopted_from"]}),
        (_("Population"), {"fields": POPULATION}),
        (_("Requirement"), {"fields": REQUIREMENT}),
        (_("Time window"), {"fields": WINDOW}),
    ]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    """The stored figures' days, read only (the system computes them). Its columns have no
    names of their own in the model: they are named here."""

    list_display = ["day", "status_shown", "done", "total", "started", "finished"]
    fields = readonly_fields = [*list_display, "message_shown"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("as of"), ordering="as_of")
    def day(self, snapshot: Snapshot):
        return snapshot.as_of

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, snapshot: Snapshot) -> str:
        return snapshot.get_status_display()

    @admin.display(description=_("steps done"))
    def done(self, snapshot: Snapshot) -> int:
        return snapshot.steps_done

    @admin.display(description=_("steps in all"))
    def total(self, snapshot: Snapshot) -> int:
        return snapshot.steps_total

    @admin.display(description=_("started at"), ordering="started_at")
    def started(self, snapshot: Snapshot):
        return snapshot.started_at

    @admin.display(description=_("finished at"), ordering="finished_at")
    def finished(self, snapshot: Snapshot):
        return snapshot.finished_at

    @admin.display(description=_("message"))
    def message_shown(self, snapshot: Snapshot) -> str:
        return snapshot.message


# --- the rest of the admin site in Vietnamese -------------------------------------------------

admin.site.site_header = _("Union cadre training — administration")
admin.site.site_title = _("Administration")
admin.site.index_title = _("System administration")

# Apps whose names their authors did not mark for translation ("Axes", "Otp_Totp", ...).
APP_NAMES = {
    "axes": _("Login attempts"),
    "otp_totp": _("Two-factor authentication"),
    "django_tasks_database": _("Background tasks"),
}
for label, name in APP_NAMES.items():
    apps.get_app_config(label).verbose_name = name

# The model's names, for the admin's pages only: migrations read the names the model declares
# (Meta's original attributes), and the permissions keep theirs.
TOTPDevice._meta.verbose_name = _("TOTP device")
TOTPDevice._meta.verbose_name_plural = _("TOTP devices")

# Label and help of each TOTP device field (django-otp writes them in English only).
TOTP_FIELDS = {
    "user": (_("user"), _("The user this device belongs to.")),
    "name": (_("name"), _("A name for the device, e.g. the phone it is on.")),
    "confirmed": (_("confirmed"), _("Whether the device is ready for use.")),
    "key": (_("key"), _("A hex-encoded secret key of up to 40 bytes.")),
    "step": (_("step"), _("The time step in seconds.")),
    "t0": (_("t0"), _("The Unix time at which to begin counting steps.")),
    "digits": (_("digits"), _("The number of digits to expect in a code.")),
    "tolerance": (_("tolerance"), _("The number of time steps in the past or future to allow.")),
    "drift": (
        _("drift"),
        _("The number of time steps the phone's clock is known to deviate from ours."),
    ),
    "throttling_failure_timestamp": (
        _("last failed attempt"),
        _("When the last wrong code was typed (empty if the last attempt succeeded)."),
    ),
    "throttling_failure_count": (
        _("failed attempts in a row"),
        _("Number of successive failed attempts."),
    ),
}


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class VietnameseTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's page of TOTP devices (where an administrator removes a lost phone's
    device), with its columns, fields and sections named in Vietnamese."""

    list_display = ["owner", "device_name", "created", "last_used", "is_confirmed"]
    list_filter = []
    readonly_fields = ["created", "last_used"]
    search_help_text = _("Search by the user's username or e-mail.")

    def get_list_display(self, request):
        return self.list_display  # the QR code stays hidden (OTP_ADMIN_HIDE_SENSITIVE_DATA)

    def get_fieldsets(self, request, obj=None):
        configuration = ["step", "t0", "digits", "tolerance"]
        if obj is None or not otp_settings.OTP_ADMIN_HIDE_SENSITIVE_DATA:
            configuration = ["key", *configuration]  # the secret: shown once, when added
        return [
            (_("Device"), {"fields": ["user", "name", "confirmed"]}),
            (_("Created and last used"), {"fields": ["created", "last_used"]}),
            (_("Configuration"), {"fields": configuration}),
            (_("State"), {"fields": ["drift"]}),
            (
                _("Throttling"),
                {"fields": ["throttling_failure_timestamp", "throttling_failure_count"]},
            ),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in TOTP_FIELDS:
            label, field.help_text = TOTP_FIELDS[db_field.name]
            field.label = capfirst(label)
        return field

    @admin.display(description=_("user"), ordering="user")
    def owner(self, device: TOTPDevice):
        return device.user

    @admin.display(description=_("name"), ordering="name")
    def device_name(self, device: TOTPDevice) -> str:
        return device.name

    @admin.display(description=_("created at"), ordering="created_at")
    def created(self, device: TOTPDevice) -> str:
        return display_for_value(device.created_at, self.get_empty_value_display())

    @admin.display(description=_("last used at"), ordering="last_used_at")
    def last_used(self, device: TOTPDevice) -> str:
        return display_for_value(device.last_used_at, self.get_empty_value_display())

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed")
    def is_confirmed(self, device: TOTPDevice) -> bool:
        return device.confirmed


LogEntry = get_logentry_model()
admin.site.unregister(LogEntry)


class NamedResourceTypeFilter(ResourceTypeFilter):
    """The kinds of data logged, by their names (django-auditlog lists the models' codes)."""

    def lookups(self, request, model_admin):
        logged = model_admin.get_queryset(request).order_by().values("content_type_id")
        kinds = ContentType.objects.filter(pk__in=logged)
        return sorted(((kind.pk, capfirst(kind.name)) for kind in kinds), key=lambda k: k[1])


@admin.register(LogEntry)
class VietnameseLogEntryAdmin(LogEntryAdmin):
    """django-auditlog's page of the change history, its summaries in Vietnamese."""

    list_display = ["created", "resource_url", "action", "msg_short", "user_url", "cid_shown"]
    list_filter = ["action", NamedResourceTypeFilter, CIDFilter]

    @admin.display(description=_("Changes"))
    def msg_short(self, obj) -> str:
        if obj.action in (LogEntry.Action.DELETE, LogEntry.Action.ACCESS):
            return ""
        changes = obj.changes_dict
        fields = ", ".join(changes)
        if len(fields) > 75:
            fields = fields[: fields.rfind(" ", 0, 75)] + " …"
        return ngettext("%(n)d change: %(fields)s", "%(n)d changes: %(fields)s", len(changes)) % {
            "n": len(changes),
            "fields": fields,
        }

    @admin.display(description=_("User"))
    def user_url(self, obj):
        return super().user_url(obj) if obj.actor else _("system")

    @admin.display(description=_("Correlation ID"))
    def cid_shown(self, obj):
        return self.cid_url(obj)


def i18n_javascript(request, extra_context=None):
    """The admin's script catalogue (calendars, the two-box pickers' "Choose all …"), read
    from Django's admin and from this app, whose catalogue has what the admin's lacks."""
    return JavaScriptCatalog.as_view(packages=["django.contrib.admin", "targets"])(request)


admin.site.i18n_javascript = i18n_javascript
