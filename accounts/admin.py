from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["unit", "person"]
    fieldsets = UserAdmin.fieldsets + (("Đơn vị và vai trò", {"fields": ("unit", "role",
                                                                         "person")}),)
