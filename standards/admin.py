from django.contrib import admin

from standards.forms import TitleStandardForm
from standards.models import TitleStandard


@admin.register(TitleStandard)
class TitleStandardAdmin(admin.ModelAdmin):
    """The union issues and revises its title standards here; cadres read them at /standards/."""

    form = TitleStandardForm
    list_display = ["role", "level", "valid_from", "valid_to", "published", "example"]
    list_filter = ["level", "role", "published", "example"]
    filter_horizontal = ["topics"]
