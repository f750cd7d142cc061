import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserRole(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    TRAINING_OFFICER = "training_officer", _("Training officer")
    LECTURER = "lecturer", _("Lecturer")
    CADRE = "cadre", _("Cadre (self-service)")
    INSPECTOR = "inspector", _("Inspector (read-only)")


# Roles that browse their unit's subtree; a self-service cadre sees only their own profile.
BROWSING_ROLES = {UserRole.SYSTEM_ADMIN, UserRole.TRAINING_OFFICER, UserRole.LECTURER,
                  UserRole.INSPECTOR}
WRITING_ROLES = {UserRole.SYSTEM_ADMIN, UserRole.TRAINING_OFFICER}


class User(AbstractUser):
    """A user is bound to one unit and sees that unit's subtree, nothing else."""

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, related_name="users",
        verbose_name=_("unit"),
    )
    role = models.CharField(_("role"), max_length=20, choices=UserRole.choices,
                            default=UserRole.TRAINING_OFFICER)
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="users", verbose_name=_("person"),
    )

    def save(self, *args, **kwargs):
        # The Django admin is for system administrators only.
        self.is_staff = self.is_superuser or self.role == UserRole.SYSTEM_ADMIN
        super().save(*args, **kwargs)

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


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User) -> str:
        key = secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=cls.hash(key))
        return key
