from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Targets")

    def ready(self) -> None:
        from targets import chairs, served, signals  # noqa: F401  (signals: figures current)
        from training.selectors import use_chair_rule, use_met_rule

        use_chair_rule(chairs)  # T-003-4: the chairs pages ask the targets (targets.chairs)
        use_met_rule(served.already_met)  # nominations warn of targets already met
        from targets import notices

        notices.register_jobs()
