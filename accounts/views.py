from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import UserRole


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.role == UserRole.CADRE:
        return redirect("my_profile")
    if not request.user.can_browse:
        return render(request, "accounts/no_unit.html", status=403)
    return redirect("targets:dashboard")

