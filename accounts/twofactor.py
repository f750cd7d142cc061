"""Two-factor login with a time-based code (TOTP, django-otp).

Optional for every user; required for system administrators (`User.two_factor_required`).
The password logs the user in; until the code is given (`django_otp.login` marks the session
verified), `SecondFactorMiddleware` lets the session reach only the code page — or, for an
administrator without a phone set up yet, only the enrolment page — and logging out.

An administrator's first phone is set up only with a one-time enrolment code issued out of
band (`manage.py two_factor_enrolment_code`, or another administrator in the administration):
with the password alone, whoever has it could otherwise enrol their own phone and become the
administrator for good.
"""

import datetime as dt
import hashlib
import re
import secrets
from base64 import b32encode

import django_otp
import segno
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import EnrolmentCode, User

# Set at login for a user who has a device: this session still owes its code.
PENDING = "second_factor_pending"
VERIFY, ENROL = "verify", "enrol"
WRONG_CODE = gettext_lazy("Wrong code: type the 6 digits your authenticator app shows now.")
# The session that gave a valid enrolment code (the user's id): it may now set up a device.
ENROLMENT_GRANTED = "two_factor_enrolment_granted"
# Long enough to reach the person out of band and for them to log in; short enough that a
# code written down and forgotten is soon worth nothing.
ENROLMENT_CODE_VALID = dt.timedelta(hours=24)
# 12 characters of 31 (no 0/O, 1/I/L to misread): about 59 random bits, beyond guessing.
ENROLMENT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@receiver(user_logged_in)
def _ask_for_the_code(sender, request: HttpRequest, user: User, **kwargs) -> None:
    # Decided once at login so that a user without a device costs no query per request.
    if getattr(request, "session", None) is not None and has_device(user):
        request.session[PENDING] = True


def step_due(request: HttpRequest) -> str | None:
    """What this session must do before anything else: VERIFY, ENROL or nothing."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if user.two_factor_required:
        return VERIFY if has_device(user) else ENROL
    return VERIFY if request.session.get(PENDING) else None


def session_verified(request: HttpRequest, device: TOTPDevice) -> None:
    django_otp.login(request, device)
    request.session.pop(PENDING, None)
    request.session.pop(ENROLMENT_GRANTED, None)
    # A new session key once the second factor is given, as Django does after the password.
    request.session.cycle_key()


def check_code(user: User, code: str) -> tuple[TOTPDevice | None, str | None]:
    """The user's confirmed device that accepts `code`, or the reason it was refused.
    Each wrong code doubles the wait before the next try (django-otp's throttling)."""
    with transaction.atomic():
        devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
        for device in devices:
            refusal = _throttled(device)
            if refusal:
                return None, refusal
            if device.verify_token(code):
                return device, None
    return None, str(WRONG_CODE)


def _throttled(device: TOTPDevice) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = data.get("locked_until") if data else None
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
    return ngettext(
        "Too many wrong codes: wait %(seconds)d second and try again.",
        "Too many wrong codes: wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def _enrolment_hash(code: str) -> str:
    return hashlib.sha256(re.sub(r"[^A-Z0-9]", "", code.upper()).encode()).hexdigest()


def enrolment_code_issue(user: User, issued_by: User | None = None) -> tuple[str, dt.datetime]:
    """A new one-time enrolment code for `user` and when it expires; any earlier unused one
    stops working. Only its hash is kept: show the code once, to whoever hands it over."""
    chars = "".join(secrets.choice(ENROLMENT_ALPHABET) for _ in range(12))
    code = "-".join(chars[i : i + 4] for i in range(0, 12, 4))
    expires_at = timezone.now() + ENROLMENT_CODE_VALID
    with transaction.atomic():
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
        EnrolmentCode.objects.create(
            user=user, code_hash=_enrolment_hash(code), issued_by=issued_by, expires_at=expires_at
        )
    return code, expires_at


def enrolment_code_redeem(request: HttpRequest, code: str) -> bool:
    """Spend one of the user's enrolment codes (unused, not expired): this session may then
    set up a device. Any device left half set up is dropped: its key may have been seen."""
    user = request.user
    with transaction.atomic():
        used = EnrolmentCode.objects.filter(
            user=user,
            code_hash=_enrolment_hash(code),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).update(used_at=timezone.now())
        if not used:
            return False
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    request.session[ENROLMENT_GRANTED] = user.pk
    return True


def enrolment_granted(request: HttpRequest) -> bool:
    """May this session set up a device? Anyone choosing two-factor login may; a user who
    must use it only after giving an enrolment code (enrolment_code_redeem)."""
    user = request.user
    return not user.two_factor_required or request.session.get(ENROLMENT_GRANTED) == user.pk


def device_for_setup(user: User) -> TOTPDevice:
    """The device being set up: kept across page loads so that a scanned code stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="default", confirmed=False)


def device_confirm(device: TOTPDevice, code: str) -> tuple[TOTPDevice | None, str | None]:
    """Confirm the device being set up with a code from the app: the confirmed device, or
    the reason it was refused."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        refusal = _throttled(device)
        if refusal:
            return None, refusal
        if not device.verify_token(code):
            return None, str(WRONG_CODE)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user_id=device.user_id, confirmed=False).delete()
    return device, None


def devices_remove(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()


def secret_of(device: TOTPDevice) -> str:
    """The key as typed into an app by hand: base32, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    # An SVG data URI: no request, no inline script; the CSP allows data: images.
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
