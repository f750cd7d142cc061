from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data under Decree 13/2023/NĐ-CP: masking, access log, a person's own data."""

    name = "privacy"
    verbose_name = _("Personal data")
