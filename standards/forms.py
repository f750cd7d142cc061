from django import forms
from django.utils.translation import gettext_lazy as _

from standards.models import RANK_TOPIC, TitleStandard


class TitleStandardForm(forms.ModelForm):
    class Meta:
        model = TitleStandard
        fields = [
            "role",
            "level",
            "valid_from",
            "valid_to",
            "min_education",
            "min_political_theory",
            "civil_service_rank",
            "topics",
            "other_requirements",
            "document",
            "example",
            "published",
        ]

    def clean(self):
        data = super().clean()
        topics = data.get("topics")
        # A rank is met by its training (bồi dưỡng tiêu chuẩn ngạch): the standard must ask for
        # it, or a rank would be named and never checked.
        if data.get("civil_service_rank") and topics is not None:
            if not any(t.code == RANK_TOPIC for t in topics):
                self.add_error(
                    "topics",
                    _("A title with a civil-service rank requires its rank training as a topic."),
                )
        return data
