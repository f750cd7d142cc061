from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        # The unit figures of spending, member growth and coverage targets come from here.
        from planning import measures, notices

        measures.register_all()
        notices.register_jobs()  # surveys and plans falling due
