from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Who changed what and when: the change history of the domain's records."""

    name = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from audit import registry

        registry.register()
