"""The form for matching questions."""

from __future__ import annotations

from wtforms import FieldList, FormField, SubmitField

from quizapp.teacher.question_forms.base import (
    EntryList,
    PairEntry,
    QuestionForm,
    TextEntry,
    pair_prefill,
    pair_value,
    text_prefill,
    text_value,
)


class MatchingForm(QuestionForm):
    """Pairs to match, each left side listed with its right side, and extra answers
    (distractors) that match no left side."""

    type_name = "matching"
    type_label = "Matching"
    entry_lists = (
        EntryList("pairs", "add_pair", "Pair", pair_value, pair_prefill, text_field="left"),
        EntryList("distractors", "add_distractor", "Extra answer", text_value, text_prefill),
    )
    pairs = FieldList(FormField(PairEntry), min_entries=3)
    add_pair = SubmitField("Add pair")
    distractors = FieldList(FormField(TextEntry), min_entries=1)
    add_distractor = SubmitField("Add extra answer")
