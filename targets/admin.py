from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from targets.models import Snapshot, SourceDocument, Target


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["code", "number", "issued_on", "issuer"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Administrators edit the built-in targets or add new ones here, without code."""

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
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "document",
                    "code",
                    "name",
                    "name_en",
                    "wording",
                    "kind",
                    "threshold",
                    "goal",
                    "scope_unit",
                    "responsible_level",
                    "active",
                    "valid_from",
                    "valid_to",
                    "rank",
                    "adopted_from",
                ]
            },
        ),
        (
            _("Population"),
            {
                "fields": [
                    "roles",
                    "key_leaders_only",
                    "full_time",
                    "levels",
                    "unit_kinds",
                    "sector",
                    "min_members",
                    "max_members",
                    "newly_elected",
                    "new_to_full_time",
                    "first_time_on_committee",
                    "position_started_from",
                    "position_started_to",
                ]
            },
        ),
        (
            _("Requirement"),
            {
                "fields": [
                    "all_topics",
                    "topics",
                    "programmes",
                    "organised_by_responsible",
                    "min_hours",
                    "min_education",
                    "min_political_theory",
                    "standard_education",
                    "standard_political_theory",
                    "standard_topics",
                ]
            },
        ),
        (
            _("Time window"),
            {
                "fields": [
                    "window",
                    "window_count",
                    "window_start",
                    "deadline",
                    "records_before_post_months",
                    "obligations_due_from",
                ]
            },
        ),
    ]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["as_of", "status", "steps_done", "steps_total", "started_at", "finished_at"]
    readonly_fields = [f.name for f in Snapshot._meta.fields]
