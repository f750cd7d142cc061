from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and positions")

    def ready(self) -> None:
        from people import signals  # noqa: F401  (connects to unit reorganisation signals)
