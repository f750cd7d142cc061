"""Forms of the quizzes: a question of the bank with its answers, and the answers a learner
posts from an attempt page. They parse; elearning.quizzes decides."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from elearning.models import Question
from elearning.quizzes import CHOICE_MAX_LENGTH, SERVER_MARKS

MIN_ROWS = 6  # answer rows offered; editing offers two blank rows more than the question has


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    multiple = forms.BooleanField(
        label=_("several right answers"),
        required=False,
        help_text=_(
            "Unticked, exactly one answer is right (single choice); ticked, the "
            "learner must pick every right answer and no other."
        ),
    )

    def __init__(self, *args, question: Question | None = None, **kwargs):
        existing = list(question.choices.order_by("id")) if question is not None else []
        if question is not None and "initial" not in kwargs:
            initial = {"text": question.text, "multiple": question.multiple}
            for index, choice in enumerate(existing):
                initial[f"choice_{index}"] = choice.text
                initial[f"correct_{index}"] = choice.correct
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.row_count = max(MIN_ROWS, len(existing) + 2)
        for index in range(self.row_count):
            self.fields[f"choice_{index}"] = forms.CharField(
                label=_("Answer %(n)s") % {"n": index + 1},
                required=False,
                max_length=CHOICE_MAX_LENGTH,
            )
            self.fields[f"correct_{index}"] = forms.BooleanField(label=_("right"), required=False)

    def rows(self) -> list[tuple]:
        """(answer box, right tick) per row, for the template."""
        return [(self[f"choice_{i}"], self[f"correct_{i}"]) for i in range(self.row_count)]

    def clean(self):
        data = super().clean()
        for index in range(self.row_count):
            if data.get(f"correct_{index}") and not (data.get(f"choice_{index}") or "").strip():
                self.add_error(f"choice_{index}", _("Write this answer, or untick “right”."))
        return data

    def choices(self) -> list[tuple[str, bool]]:
        """The answers written, in order, as (text, right); blank rows are left out."""
        out = []
        for index in range(self.row_count):
            text = (self.cleaned_data.get(f"choice_{index}") or "").strip()
            if text:
                out.append((text, bool(self.cleaned_data.get(f"correct_{index}"))))
        return out


ANSWER_FIELD = re.compile(r"^q(\d+)$")


def answers_from_post(data) -> tuple[dict, dict]:
    """An attempt page's POST → ({question id: [choice ids as sent]}, anything the server
    alone decides that the client sent nonetheless). The service checks both: a question or
    a choice that was not drawn, and any score, are refused."""
    answers, extra = {}, {}
    for name in data:
        match = ANSWER_FIELD.match(name)
        if match:
            answers[int(match.group(1))] = data.getlist(name)
        elif name in SERVER_MARKS:
            extra[name] = data.get(name)
    return answers, extra
