"""Logging in through the pages, as a browser does (no force_login): the password step,
then the code of a TOTP device computed as an authenticator app would."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from tests.conftest import PASSWORD


def password_login(client, username: str, password: str = PASSWORD, ip: str = "127.0.0.1", **data):
    return client.post(
        "/login/", {"username": username, "password": password, **data}, REMOTE_ADDR=ip
    )


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the app shows now (or `steps_ahead` periods of 30 s later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code no window of the device's tolerance accepts."""
    near = {code_for(device, steps) for steps in range(-2, 3)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


def device_for(user, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=confirmed)


def give_enrolment_code(client, user, **data):
    """What an administrator without a device types first: a one-time code issued for them
    out of band (here as `manage.py two_factor_enrolment_code` would)."""
    code, _expires = twofactor.enrolment_code_issue(user)
    return client.post("/account/two-factor/", {"enrolment_code": code, **data})
