from django.contrib import admin

from training.models import Institution, Programme, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["rank", "code", "name", "name_en", "validity_months", "builtin"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "issuing_unit", "hours", "validity_months"]
    filter_horizontal = ["topics", "target_roles", "target_levels"]
    raw_id_fields = ["issuing_unit"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "owner"]
    raw_id_fields = ["owner"]
