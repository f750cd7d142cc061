import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserRole(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    TRAINING_OFFICER = "training_officer", _("Training officer")
    LECTURER = "lecturer", _("Lecturer")
    CADRE = "cadre", _("Cadre (self-service)")
    INSPECTOR = "inspector", _("Inspector (read-only)")


# Roles that browse their unit's subtree; a self-service cadre sees only their own profile.
BROWSING_ROLES = {
    UserRole.SYSTEM_ADMIN,
    UserRole.TRAINING_OFFICER,
    UserRole.LECTURER,
    UserRole.INSPECTOR,
}
WRITING_ROLES = {UserRole.SYSTEM_ADMIN, UserRole.TRAINING_OFFICER}


class User(AbstractUser):
    """A user is bound to one unit and sees that unit's subtree, nothing else."""

    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        related_name="users",
        verbose_name=_("unit"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=UserRole.choices, default=UserRole.TRAINING_OFFICER
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("person"),
    )
    # The language the user last chose with the switch in the header: their mail is written
    # in it (empty: the system's, Vietnamese).
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)

    def save(self, *args, **kwargs):
        # The Django admin is for system administrators only.
        self.is_staff = self.is_superuser or self.role == UserRole.SYSTEM_ADMIN
        # A new password ends every API token, as it ends the user's other sessions: whoever
        # took a token with the old password loses it. set_password() is how every path sets
        # one (the account's password page, the admin, a password reset, `changepassword`);
        # Django's own re-hashing at login (a stronger hasher) clears `_password` before it
        # saves, so it leaves the tokens alone.
        password_changed = not self._state.adding and (
            self._password is not None or self.__dict__.pop("_password_removed", False)
        )
        super().save(*args, **kwargs)
        if password_changed:
            ApiToken.objects.live().filter(user=self).update(revoked_at=timezone.now())

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self._password_removed = True  # no password any more: its tokens end too (save)

    @property
    def can_browse(self) -> bool:
        return self.is_active and self.unit_id is not None and self.role in BROWSING_ROLES

    @property
    def can_write(self) -> bool:
        return self.is_active and self.unit_id is not None and self.role in WRITING_ROLES

    @property
    def two_factor_required(self) -> bool:
        # Whoever can change any account (the Django admin) must log in with a second factor.
        return self.is_superuser or self.role == UserRole.SYSTEM_ADMIN


class ApiTokenQuerySet(models.QuerySet):
    def live(self) -> "ApiTokenQuerySet":
        """Tokens that still open the API: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


def token_expiry(issued: dt.datetime) -> dt.datetime:
    return issued + dt.timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its hash is stored. It ends when it expires
    (settings.API_TOKEN_DAYS after it is issued), is revoked, or its user gets a new
    password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def create_for(cls, user: User) -> tuple["ApiToken", str]:
        """A new token of `user` and its key, which is shown once and never stored."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, key_hash=cls.hash(key), expires_at=token_expiry(timezone.now())
        )
        return token, key

    @classmethod
    def issue(cls, user: User) -> str:
        return cls.create_for(user)[1]


class EnrolmentCode(models.Model):
    """A one-time code that lets a user who must log in with a second factor set up their
    first device (accounts.twofactor). It is issued out of band — by the server's operator
    (`manage.py two_factor_enrolment_code`) or by another system administrator in the
    administration — so that the password alone does not let anyone enrol their own phone.
    Only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
