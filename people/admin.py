from django.contrib import admin

from people.models import Role


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["rank", "code", "name", "name_en", "is_key_leader", "is_committee_member"]
