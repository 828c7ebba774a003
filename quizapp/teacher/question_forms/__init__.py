"""Forms for writing questions: one form class per question type on a shared base.

A form turns what the teacher typed into a bank-format mapping (``to_mapping``), and the
domain's validation problems, located by paths such as ``("choices", 2, "text")``, are
put back on the matching fields (``show_problems``). Lists of entries (choices, accepted
answers, pairs, items) grow and shrink with "Add ..." and "Remove" submit buttons, so
authoring works without JavaScript.
"""

from __future__ import annotations

from quizapp.teacher.question_forms.base import NEW_BANK_ID, QuestionForm, show_problems
from quizapp.teacher.question_forms.browse import BankFilterForm, ChooseTypeForm
from quizapp.teacher.question_forms.registry import QUESTION_FORMS, TYPE_LABELS, form_for_type

__all__ = [
    "NEW_BANK_ID",
    "QUESTION_FORMS",
    "TYPE_LABELS",
    "BankFilterForm",
    "ChooseTypeForm",
    "QuestionForm",
    "form_for_type",
    "show_problems",
]
