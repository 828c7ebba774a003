"""The teacher's quiz pages as use cases: the builder, saving, publishing, the attempts.

Each takes the teacher's id first and checks the quiz is theirs before using it (anyone
else's quiz is a 404, never a 403). Writes run as one unit of work. Teacher templates
still read the quiz and its rows through these frozen view models; the student pages
get plain values only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from quizapp.extensions import db
from quizapp.models import Article, FeedbackTiming, GradingMethod, Quiz, QuizKind, Section
from quizapp.services.attempt_views import ReviewPage, attempt_view, question_views
from quizapp.services.classes import classes_taught_by
from quizapp.services.errors import NotFound, RequestRefused
from quizapp.services.quizzes import (
    QuizError,
    QuizSettings,
    QuizSpec,
    create_quiz,
    parse_extra_time,
    require_owned_quiz,
    rule_spec,
    section_question_counts,
    set_published,
    update_quiz,
)
from quizapp.services.teacher_attempts import quiz_attempts, teacher_attempt
from quizapp.services.unit_of_work import unit_of_work


@dataclass(frozen=True)
class ArticleChoice:
    """Step one of a new quiz: which article it is on."""

    articles: tuple[Article, ...]


@dataclass(frozen=True)
class BuilderPage:
    """The quiz builder: the article's sections and counts, the teacher's classes."""

    article: Article
    quiz: Quiz | None
    class_choices: dict[str, str]
    # Section id (as the form carries it) -> section, and drawable questions per
    # section and difficulty, for the rule rows' labels.
    sections: dict[str, Section]
    counts: dict[int, dict[int, int]]
    # The rule rows: "all sections" (None), then each section.
    rule_sections: tuple[int | None, ...]
    # What the saved quiz holds, to fill the form with (editing only).
    current: QuizSpec | None = None
    problems: tuple[str, ...] = ()
    field_errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class QuizSaved:
    """The quiz was saved."""

    quiz_id: int


@dataclass(frozen=True)
class QuizPage:
    """A quiz's settings and every attempt at it."""

    quiz: Quiz
    attempts: list


@dataclass(frozen=True)
class AttemptReview:
    """One learner's attempt, question by question, for the quiz's teacher."""

    quiz_id: int
    quiz_title: str
    review: ReviewPage


def _builder(teacher_id: int, article: Article, quiz: Quiz | None) -> BuilderPage:
    return BuilderPage(
        article=article,
        quiz=quiz,
        class_choices={str(c.id): c.name for c, _ in classes_taught_by(teacher_id)},
        sections={str(s.id): s for s in article.sections},
        counts=section_question_counts(article.id),
        rule_sections=(None, *(s.id for s in article.sections)),
        current=_spec_of(quiz) if quiz else None,
    )


def _spec_of(quiz: Quiz) -> QuizSpec:
    emails = (
        {e.student_id: e.student.email for e in quiz.school_class.enrolments}
        if quiz.school_class
        else {}
    )
    return QuizSpec(
        title=quiz.title,
        class_id=quiz.class_id,
        rules=tuple(rule_spec(rule) for rule in quiz.rules),
        time_limit_seconds=quiz.time_limit_seconds,
        attempts_allowed=quiz.attempts_allowed,
        grading_method=quiz.grading_method.value,
        feedback_timing=quiz.feedback_timing.value,
        shuffle_choices=quiz.shuffle_choices,
        keys_in_practice=quiz.keys_in_practice,
        opens_at=quiz.opens_at,
        closes_at=quiz.closes_at,
        extra_time="\n".join(
            f"{emails.get(extra.student_id, '?')} {extra.extra_seconds // 60}"
            for extra in quiz.extra_times
        ),
    )


def quiz_builder(
    teacher_id: int,
    spec: QuizSpec | None,
    *,
    now: dt.datetime,
    article_id: int | None = None,
    quiz_id: int | None = None,
) -> ArticleChoice | BuilderPage | QuizSaved:
    """The builder for a new quiz on ``article_id`` or the teacher's quiz ``quiz_id``.

    With a ``spec`` it saves (one unit of work: nothing is saved half); a quiz that cannot
    work gives the builder again with every problem. Without one (a GET, or a form that
    did not validate) it gives the builder. A new quiz without an article yet gives the
    articles to choose from.
    """
    quiz: Quiz | None = None
    if quiz_id is not None:
        quiz = require_owned_quiz(quiz_id, teacher_id)
        article = quiz.article
    elif article_id is None:
        articles = db.session.execute(db.select(Article).order_by(Article.title)).scalars()
        return ArticleChoice(tuple(articles))
    else:
        quiz = None
        found = db.session.get(Article, article_id)
        if found is None:
            raise NotFound("There is no such article.")
        article = found
    page = _builder(teacher_id, article, quiz)
    if spec is None or not page.class_choices:
        return page
    if str(spec.class_id) not in page.class_choices:
        return replace(page, field_errors={"class_id": "Not a valid choice."})
    section_ids = {s.id for s in article.sections}
    if any(r.section_id is not None and r.section_id not in section_ids for r in spec.rules):
        raise RequestRefused("A rule names a section of another article.")
    try:
        with unit_of_work():
            return QuizSaved(_save(teacher_id, article, quiz, spec, now).id)
    except QuizError as error:
        return replace(page, problems=error.problems)


def _save(
    teacher_id: int, article: Article, quiz: Quiz | None, spec: QuizSpec, now: dt.datetime
) -> Quiz:
    class_id = spec.class_id or 0
    rules = [rule for rule in spec.rules if rule.question_count > 0]
    settings = QuizSettings(
        time_limit_seconds=spec.time_limit_seconds,
        attempts_allowed=spec.attempts_allowed,
        grading_method=GradingMethod(spec.grading_method),
        feedback_timing=FeedbackTiming(spec.feedback_timing),
        shuffle_choices=spec.shuffle_choices,
        keys_in_practice=spec.keys_in_practice,
        opens_at=spec.opens_at,
        closes_at=spec.closes_at,
        extra_seconds=parse_extra_time(class_id, spec.extra_time),
    )
    if not rules:
        raise QuizError(["Ask for at least one question in one of the rules."])
    if quiz is None:
        return create_quiz(
            owner_id=teacher_id,
            article_id=article.id,
            title=spec.title,
            kind=QuizKind.ASSESSMENT,
            rules=rules,
            settings=settings,
            now=now,
            class_id=class_id,
        )
    return update_quiz(
        quiz, title=spec.title, class_id=class_id, rules=rules, settings=settings, now=now
    )


def quiz_page(teacher_id: int, quiz_id: int, *, now: dt.datetime, grace: dt.timedelta) -> QuizPage:
    """The quiz's settings and attempts (attempts whose time ran out finalised first)."""
    quiz = require_owned_quiz(quiz_id, teacher_id)
    return QuizPage(quiz, quiz_attempts(quiz.id, now=now, grace=grace))


def publish_quiz(
    teacher_id: int, quiz_id: int, published: bool | None, *, now: dt.datetime
) -> list[str]:
    """Publish the teacher's quiz (the class can start it) or take it back to draft.

    ``published`` None (the form was not confirmed) changes nothing; someone else's quiz
    is a 404 either way. Returns why a quiz could not be published (empty when done).
    """
    quiz = require_owned_quiz(quiz_id, teacher_id)
    if published is not None:
        try:
            set_published(quiz, published, now=now)
        except QuizError as error:
            return list(error.problems)
    return []


def attempt_review(teacher_id: int, quiz_id: int, attempt_id: int) -> AttemptReview:
    """One attempt at the teacher's quiz, as the learner's own review shows it."""
    quiz = require_owned_quiz(quiz_id, teacher_id)
    attempt = teacher_attempt(quiz.id, attempt_id)
    if attempt is None:
        raise NotFound("This quiz has no such attempt.")
    review = ReviewPage(attempt_view(attempt, attempt.student.name), question_views(attempt))
    return AttemptReview(quiz.id, quiz.title, review)
