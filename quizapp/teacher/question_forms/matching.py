"""The form for matching questions."""

from __future__ import annotations

from wtforms import FieldList, FormField, SubmitField

from quizapp.teacher.question_forms.base import (
    EntryList,
    PairEntry,
    QuestionForm,
    pair_prefill,
    pair_value,
)


class MatchingForm(QuestionForm):
    """Pairs to match; each left side is listed with its right side."""

    type_name = "matching"
    type_label = "Matching"
    entry_lists = (
        EntryList("pairs", "add_pair", "Pair", pair_value, pair_prefill, text_field="left"),
    )
    pairs = FieldList(FormField(PairEntry), min_entries=3)
    add_pair = SubmitField("Add pair")
