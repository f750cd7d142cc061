from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadreworkConfig(AppConfig):
    name = "cadrework"
    verbose_name = _("Cadre work")

    def ready(self) -> None:
        # Filling a post checks the succession pool, training and last rating (people app).
        from cadrework import appointments

        appointments.register()
