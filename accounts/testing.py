"""For Django's test client (the test suite, the benchmarks): a session that has given its
second factor, as a system administrator's must have to reach any page."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def verify_client_session(client, user: User) -> TOTPDevice:
    """Mark the session of a client logged in as `user` (force_login) verified by a second
    factor, with the user's confirmed device (one is set up if they have none)."""
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
