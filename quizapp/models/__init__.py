"""Persistence only: one module per domain. Importing this package registers every table."""

from quizapp.models.attempts import Attempt, AttemptQuestion, AttemptState, Response
from quizapp.models.classes import DeletedStudentData, Enrolment, SchoolClass
from quizapp.models.content import (
    Article,
    Question,
    QuestionEvent,
    QuestionEventKind,
    QuestionVersion,
    Section,
)
from quizapp.models.imports import PendingImport
from quizapp.models.progress import ReviewCard
from quizapp.models.quizzes import (
    ExtraTime,
    FeedbackTiming,
    GradingMethod,
    Quiz,
    QuizKind,
    QuizRule,
)
from quizapp.models.reports import AttemptMarks
from quizapp.models.users import (
    TEACHING_ROLES,
    LoginSession,
    PasswordReset,
    Role,
    SignedInUser,
    User,
)

__all__ = [
    "TEACHING_ROLES",
    "Article",
    "Attempt",
    "AttemptMarks",
    "AttemptQuestion",
    "AttemptState",
    "DeletedStudentData",
    "Enrolment",
    "ExtraTime",
    "FeedbackTiming",
    "GradingMethod",
    "LoginSession",
    "PasswordReset",
    "PendingImport",
    "Question",
    "QuestionEvent",
    "QuestionEventKind",
    "QuestionVersion",
    "Quiz",
    "QuizKind",
    "QuizRule",
    "Response",
    "ReviewCard",
    "Role",
    "SchoolClass",
    "Section",
    "SignedInUser",
    "User",
]
