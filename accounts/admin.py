from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import twofactor
from accounts.models import User


@admin.action(description=gettext_lazy("Issue a two-factor enrolment code"), permissions=["change"])
def issue_enrolment_code(modeladmin, request, queryset):
    """A one-time code for each selected user who must use two-factor login and has no
    device yet (a new administrator, or one whose lost phone was removed), shown once here
    for the issuing administrator to hand over in person or by telephone."""
    issued = []
    for user in queryset.order_by("username"):
        if not user.two_factor_required:
            messages.warning(
                request,
                _("%(user)s needs no enrolment code: two-factor login is their choice.")
                % {"user": user.username},
            )
        elif twofactor.has_device(user):
            messages.warning(
                request,
                _("%(user)s already has a device: remove it first (TOTP devices) if it was lost.")
                % {"user": user.username},
            )
        else:
            code, expires_at = twofactor.enrolment_code_issue(user, issued_by=request.user)
            issued.append({"user": user, "code": code, "expires_at": expires_at})
    if not issued:
        return None  # back to the list, with the warnings
    return TemplateResponse(
        request,
        "admin/accounts/enrolment_codes.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Two-factor enrolment codes"),
            "issued": issued,
            "opts": modeladmin.model._meta,
        },
    )


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["unit", "person"]
    fieldsets = UserAdmin.fieldsets + (
        ("Đơn vị và vai trò", {"fields": ("unit", "role", "person")}),
    )
    actions = [issue_enrolment_code]
