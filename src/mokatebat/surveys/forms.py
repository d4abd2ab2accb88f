"""The optional part of a survey: one 1–5 choice per question of the agency's set, and a comment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mokatebat.core.forms import PersianForm

from .models import Question

SCALE = [(str(n), str(n)) for n in range(1, 6)]


class MoreForm(PersianForm):
    comment = forms.CharField(
        label=_("توضیح یا پیشنهاد (اختیاری)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=question.text, choices=SCALE, required=False, widget=forms.RadioSelect
            )
        self.order_fields([*(f"q{q.pk}" for q in questions), "comment"])

    def ratings(self) -> dict[Question, int]:
        return {q: int(self.cleaned_data[f"q{q.pk}"]) for q in self.questions if self.cleaned_data.get(f"q{q.pk}")}

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"q{q.pk}"] for q in self.questions]
