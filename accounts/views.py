from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from accounts import twofactor
from accounts.forms import CodeForm, EnrolmentCodeForm
from accounts.models import ApiToken, User, UserRole


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.role == UserRole.CADRE:
        return redirect("my_profile")
    if not request.user.can_browse:
        return render(request, "accounts/no_unit.html", status=403)
    return redirect("targets:dashboard")


def _next(request: HttpRequest) -> str | None:
    """Where to go after a step of the login: a path of this site, or None."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


@login_required
def account(request: HttpRequest) -> HttpResponse:
    tokens = request.user.api_tokens.live().order_by("-created_at")
    return render(
        request,
        "accounts/account.html",
        {
            "two_factor_on": twofactor.has_device(request.user),
            "tokens": tokens,
            "token_days": settings.API_TOKEN_DAYS,
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    """Revoke one of the user's own API tokens (a lost one cannot revoke itself)."""
    token = get_object_or_404(request.user.api_tokens.live(), pk=_int(request.POST.get("token")))
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    messages.success(request, _("The API token was revoked: it no longer opens the API."))
    return redirect("accounts:account")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # this session stays logged in
        messages.success(request, _("Your password was changed."))
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Two-factor status, and setting it up: scan the QR code (or type the key), then
    confirm with a code from the app, which also verifies this session."""
    user = request.user
    if twofactor.has_device(user):
        return render(request, "accounts/two_factor.html", {"on": True})
    if not twofactor.enrolment_granted(request):
        return _enrolment_code(request)
    device = twofactor.device_for_setup(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed, refusal = twofactor.device_confirm(device, form.cleaned_data["code"])
        if confirmed:
            twofactor.session_verified(request, confirmed)
            messages.success(
                request,
                _(
                    "Two-factor login is on: from now on you will be "
                    "asked for a code after your password."
                ),
            )
            return redirect(_next(request) or "accounts:account")
        form.add_error("code", refusal)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "on": False,
            "form": form,
            "qr": twofactor.qr_data_uri(device),
            "secret": twofactor.secret_of(device),
            "next": _next(request) or "",
        },
    )


def _enrolment_code(request: HttpRequest) -> HttpResponse:
    """Before an administrator's first device: the one-time enrolment code given out of band
    (the QR code and key are shown only after it)."""
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.enrolment_code_redeem(request, form.cleaned_data["enrolment_code"]):
            url = reverse("accounts:two_factor")
            return redirect(
                f"{url}?{urlencode({'next': _next(request)})}" if _next(request) else url
            )
        form.add_error(
            "enrolment_code",
            _(
                "This enrolment code is wrong, already used or expired: ask another system "
                "administrator (or the server's operator) for a new one."
            ),
        )
    return render(
        request,
        "accounts/two_factor.html",
        {"on": False, "code_form": form, "next": _next(request) or ""},
    )


@login_required
@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.two_factor_required:
        messages.error(request, _("System administrators must log in with a second factor."))
    elif not user.is_verified():
        # A session that never gave a code (logged in before the device was set up).
        messages.error(request, _("Log out and log in again with your code first."))
    else:
        twofactor.devices_remove(user)
        messages.success(request, _("Two-factor login is off."))
    return redirect("accounts:account")


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of the login: the code from the user's app."""
    if twofactor.step_due(request) != twofactor.VERIFY:
        return redirect(_next(request) or "home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, refusal = twofactor.check_code(request.user, form.cleaned_data["code"])
        if device:
            twofactor.session_verified(request, device)
            return redirect(_next(request) or "home")
        form.add_error("code", refusal)
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request) or ""}
    )


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin has no login of its own: the site's login (lock-out, second factor) it is."""
    if request.user.is_authenticated:
        raise PermissionDenied  # logged in, but not a system administrator
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a login refused by the lock-out (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    message = ngettext(
        "Too many failed logins: this account is locked on this computer for %(minutes)d "
        "minute. Try again later, or ask a system administrator to unlock it.",
        "Too many failed logins: this account is locked on this computer for %(minutes)d "
        "minutes. Try again later, or ask a system administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": message, "next": _next(request) or ""},
        status=429,
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switch (Django's), remembered on the account too: the user's
    mail is then written in the language they read the system in (notifications)."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).exclude(language=language).update(language=language)
    return response
