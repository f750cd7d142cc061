from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from training import lapsing

        lapsing.register_jobs()  # issue 24 §5: people told before their training expires
