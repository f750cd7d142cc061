from django.contrib import admin

from units.models import Term, Unit, UnitFigures, UnitKind, UnitLevel


@admin.register(UnitLevel)
class UnitLevelAdmin(admin.ModelAdmin):
    list_display = ["rank", "code", "name", "name_en"]


@admin.register(UnitKind)
class UnitKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "level"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    # Structure changes go through the dated reorganisation pages, never through the admin.
    list_display = ["code", "name", "kind", "founded_on", "dissolved_on"]
    search_fields = ["code", "search_name"]
    readonly_fields = ["parent", "kind", "path", "depth"]
    list_select_related = ["kind"]

    def has_add_permission(self, request):
        return False


admin.site.register(Term)
admin.site.register(UnitFigures)
