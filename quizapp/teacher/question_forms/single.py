"""The form for single-choice questions."""

from __future__ import annotations

from wtforms import FieldList, FormField, SubmitField

from quizapp.teacher.question_forms.base import CHOICES, ChoiceEntry, QuestionForm


class SingleChoiceForm(QuestionForm):
    """Pick one: a choice is ticked correct or given a grade (partial credit)."""

    type_name = "single"
    type_label = "Single choice"
    entry_lists = (CHOICES,)
    choices = FieldList(FormField(ChoiceEntry), min_entries=4)
    add_choice = SubmitField("Add choice")
