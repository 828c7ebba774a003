"""Quiz engine settings against a real database: rules, seeds, repeats, limits, grades."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass

import pytest
from flask import Flask

from quizapp.domain.generate import display_order, draw, shuffle_plan
from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    AttemptState,
    GradingMethod,
    Question,
    Quiz,
    SchoolClass,
    User,
)
from quizapp.services.attempts import (
    AttemptError,
    drawn_questions,
    finalise_expired_attempts,
    submit_attempt,
)
from quizapp.services.dashboard import quiz_summary
from quizapp.services.live_quizzes import questions_held_back
from quizapp.services.progress import submitted_attempts
from quizapp.services.questions import version_to_domain
from quizapp.services.quizzes import (
    QuizError,
    QuizSettings,
    RuleSpec,
    draw_rules,
    live_candidates,
    quizzes_for_student,
    update_quiz,
)
from tests.factories import (
    ALLIES,
    ECONOMY,
    GRACE,
    NOW,
    answer,
    correct_answer,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    items_of,
    load_article,
    section,
    start,
    submitted_attempt_for,
)

ECONOMY_TITLE = "What are their economic ties?"


@dataclass
class School:
    article: Article
    teacher: User
    school_class: SchoolClass
    ada: User
    bob: User

    def quiz(self, **kwargs: object) -> Quiz:
        return create_assessment(self.teacher, self.school_class, self.article, **kwargs)

    def section_id(self, slug: str) -> int:
        return section(self.article, slug).id


@pytest.fixture
def bank_sections() -> tuple[str, ...] | None:
    """Whose questions to load; tests needing the whole bank parametrize this to None."""
    return (ECONOMY,)


WHOLE_BANK = pytest.mark.parametrize("bank_sections", [None], ids=["whole bank"])


@pytest.fixture
def school(app_context: Flask, bank_sections: tuple[str, ...] | None) -> School:
    article = load_article(bank_sections)
    teacher = create_teacher()
    school_class = create_class(teacher)
    ada = create_student("ada@example.com", "Ada Lovelace")
    bob = create_student("bob@example.com", "Bob Student")
    enrol(ada, school_class)
    enrol(bob, school_class)
    return School(article, teacher, school_class, ada, bob)


def _quiz_count() -> int:
    return db.session.scalar(db.select(db.func.count(Quiz.id)))


def _question_ids(attempt: Attempt) -> list[int]:
    return [row.question_version.question_id for row in attempt.questions]


# ------------------------------------------------------------------------- defining a quiz


@WHOLE_BANK
def test_impossible_rules_are_rejected_with_messages_naming_the_section(school: School) -> None:
    economy = school.section_id(ECONOMY)
    cases = [
        (
            [RuleSpec(12, economy)],
            f"{ECONOMY_TITLE}: asks for 12 questions but only 11 are available",
        ),
        (
            [RuleSpec(5, economy, difficulties=(1,))],
            f"{ECONOMY_TITLE} (difficulty 1): asks for 5 questions but only 4 are available",
        ),
        (
            [RuleSpec(11, economy), RuleSpec(70)],
            "All sections: asks for 70 questions but only 63 are available "
            "(after the other rules took theirs)",
        ),
        ([RuleSpec(0, economy)], f"{ECONOMY_TITLE}: asks for 0 questions"),
        ([], "a quiz needs at least one rule"),
        ([RuleSpec(3, 999_999)], "Rule 1: that section is not part of this article."),
    ]
    for rules, message in cases:
        with pytest.raises(QuizError) as raised:
            school.quiz(rules=rules)
        assert any(message in problem for problem in raised.value.problems), (
            message,
            raised.value.problems,
        )
    assert _quiz_count() == 0


def test_every_problem_is_reported_at_once(school: School) -> None:
    economy = school.section_id(ECONOMY)
    allies = school.section_id(ALLIES)

    with pytest.raises(QuizError) as raised:
        school.quiz(rules=[RuleSpec(12, economy), RuleSpec(20, allies)])

    assert len(raised.value.problems) == 2
    assert "Are China and Russia allies?" in raised.value.problems[1]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"title": "   "}, "The quiz needs a title."),
        (
            {"opens_at": NOW + dt.timedelta(days=2), "closes_at": NOW + dt.timedelta(days=1)},
            "The quiz must close after it opens.",
        ),
        ({"opens_at": NOW, "closes_at": NOW}, "The quiz must close after it opens."),
    ],
)
def test_impossible_settings_are_rejected(school: School, settings: dict, message: str) -> None:
    with pytest.raises(QuizError) as raised:
        school.quiz(**settings)

    assert message in raised.value.problems
    assert _quiz_count() == 0


def test_retired_questions_are_not_counted_as_available(school: School) -> None:
    economy = school.section_id(ECONOMY)
    retired = db.session.execute(
        db.select(Question).where(Question.section_id == economy).limit(1)
    ).scalar_one()
    retired.retired_at = NOW
    db.session.commit()

    with pytest.raises(QuizError) as raised:
        school.quiz(rules=[RuleSpec(11, economy)])

    assert "only 10 are available" in raised.value.problems[0]
    attempt = start(school.quiz(rules=[RuleSpec(10, economy)]), school.ada)
    assert retired.id not in _question_ids(attempt)


# ------------------------------------------------------------------------ drawing attempts


def test_each_attempt_stores_its_seed_and_the_draw_can_be_rebuilt_from_it(
    school: School,
) -> None:
    economy = school.section_id(ECONOMY)
    specs = [RuleSpec(3, economy), RuleSpec(4)]
    quiz = school.quiz(rules=specs)

    first = start(quiz, school.ada, seed=42)
    second = start(quiz, school.bob, seed=43)

    assert first.seed == random.Random(42).getrandbits(62)
    assert second.seed == random.Random(43).getrandbits(62)
    for attempt in (first, second):
        # Rebuild from nothing but the stored seed: same questions, same order, same shuffles.
        rng = random.Random(attempt.seed)
        sections = {s.id: s for s in school.article.sections}
        rebuilt = draw(draw_rules(specs, sections), live_candidates(school.article.id), rng)
        assert _question_ids(attempt) == rebuilt
        for row in attempt.questions:
            question = version_to_domain(
                row.question_version, row.question_version.question.bank_id
            )
            size, avoid_identity = shuffle_plan(question)
            expected = (
                display_order(size, rng, shuffle=True, avoid_identity=avoid_identity)
                if size
                else None
            )
            assert row.display_order == expected
    assert _question_ids(first) != _question_ids(second)
    # Stored, not just in memory.
    db.session.expire_all()
    assert db.session.get(Attempt, first.id).seed == random.Random(42).getrandbits(62)


@WHOLE_BANK
def test_no_question_is_drawn_twice_even_when_rules_overlap(school: School) -> None:
    economy = school.section_id(ECONOMY)
    quiz = school.quiz(rules=[RuleSpec(20), RuleSpec(11, economy)])

    for seed in range(5):
        attempt = start(quiz, school.ada, seed=seed)
        ids = _question_ids(attempt)
        sections = [row.question_version.question.section_id for row in attempt.questions]
        assert len(ids) == len(set(ids)) == 31
        # The section rule kept its whole pool; the all-sections rule drew from the rest.
        assert sections[:20].count(economy) == 0
        assert sections[20:] == [economy] * 11
        submit_attempt(attempt, now=NOW)


def test_the_least_seen_questions_come_first_across_attempts(school: School) -> None:
    quiz = school.quiz(rules=[RuleSpec(4, school.section_id(ECONOMY))])
    seen: Counter[int] = Counter()
    draws = []

    for n in range(4):
        attempt = start(quiz, school.ada, now=NOW + dt.timedelta(hours=n), seed=n)
        ids = _question_ids(attempt)
        # Nothing drawn was seen more often than anything left out.
        left_out = [q for q in _section_question_ids(school) if q not in ids]
        assert max(seen[q] for q in ids) <= min(seen[q] for q in left_out), n
        seen.update(ids)
        draws.append(set(ids))
        submit_attempt(attempt, now=NOW + dt.timedelta(hours=n, minutes=5))

    assert not draws[0] & draws[1]
    assert len(draws[0] | draws[1] | draws[2]) == 11
    assert max(seen.values()) == 2


def _section_question_ids(school: School) -> list[int]:
    return [
        c.question_id
        for c in live_candidates(school.article.id)
        if c.section_id == school.section_id(ECONOMY)
    ]


def test_another_students_history_does_not_count_as_seen(school: School) -> None:
    quiz = school.quiz(rules=[RuleSpec(11, school.section_id(ECONOMY))])
    submit_attempt(start(quiz, school.bob, seed=1), now=NOW)

    attempt = start(quiz, school.ada, seed=1)

    assert len(attempt.questions) == 11


# ---------------------------------------------------------------------- who may start when


def test_attempts_allowed_is_enforced(school: School) -> None:
    quiz = school.quiz(attempts_allowed=2)

    first = start(quiz, school.ada, seed=1)
    assert start(quiz, school.ada, seed=2).id == first.id  # resuming is not a new attempt
    submit_attempt(first, now=NOW)
    second = start(quiz, school.ada, seed=3)
    submit_attempt(second, now=NOW)

    with pytest.raises(AttemptError, match=r"You have used all 2 attempts at this quiz\."):
        start(quiz, school.ada, seed=4)
    assert [a.number for a in _attempts_of(school.ada)] == [1, 2]
    # Bob's allowance is his own.
    assert start(quiz, school.bob).number == 1


def test_a_single_attempt_quiz_says_attempt_in_the_singular(school: School) -> None:
    quiz = school.quiz(attempts_allowed=1)
    submit_attempt(start(quiz, school.ada), now=NOW)

    with pytest.raises(AttemptError, match=r"You have used all 1 attempt at this quiz\."):
        start(quiz, school.ada)


def _attempts_of(student: User) -> list[Attempt]:
    return list(
        db.session.execute(
            db.select(Attempt).where(Attempt.student_id == student.id).order_by(Attempt.number)
        ).scalars()
    )


def test_opening_and_closing_times_are_enforced(school: School) -> None:
    opens = NOW + dt.timedelta(days=1)
    closes = NOW + dt.timedelta(days=2)
    quiz = school.quiz(opens_at=opens, closes_at=closes)
    carol = create_student("carol@example.com", "Carol")
    enrol(carol, school.school_class)

    with pytest.raises(AttemptError, match=r"This quiz opens on 03 November 2026 at 09:00 UTC\."):
        start(quiz, school.ada, now=opens - dt.timedelta(seconds=1))
    assert start(quiz, school.ada, now=opens).started_at == opens
    assert start(quiz, school.bob, now=closes - dt.timedelta(seconds=1))
    with pytest.raises(AttemptError, match=r"This quiz has closed\."):
        start(quiz, carol, now=closes)
    assert _attempts_of(carol) == []


def test_moving_the_close_time_into_the_past_ends_open_attempts_at_it(school: School) -> None:
    quiz = school.quiz()  # untimed, no close time: the attempt has no deadline
    attempt = start(quiz, school.ada)
    assert attempt.deadline_at is None
    key = correct_answer(items_of(attempt)[0].question)
    answer(attempt, 1, key, now=NOW + dt.timedelta(minutes=5))
    closed_at = NOW + dt.timedelta(minutes=10)

    update_quiz(
        quiz,
        title=quiz.title,
        class_id=school.school_class.id,
        rules=[RuleSpec(question_count=3)],
        settings=QuizSettings(closes_at=closed_at),
        now=NOW + dt.timedelta(hours=1),
    )

    assert attempt.deadline_at == closed_at
    later = NOW + dt.timedelta(hours=2)
    # Start no longer resumes it, and the closed quiz starts no new one.
    with pytest.raises(AttemptError, match=r"This quiz has closed\."):
        start(quiz, school.ada, now=later)
    # The next look (the dashboard, the teacher's quiz page) submits it at the close
    # time, graded with what was saved.
    assert finalise_expired_attempts(quiz_id=quiz.id, now=later, grace=GRACE) == 1
    db.session.refresh(attempt)
    assert attempt.state is AttemptState.SUBMITTED
    assert attempt.submitted_automatically
    assert attempt.submitted_at == closed_at
    assert attempt.score == 1


def test_moving_the_close_time_later_gives_open_attempts_the_time_back(school: School) -> None:
    quiz = school.quiz(closes_at=NOW + dt.timedelta(minutes=30))
    attempt = start(quiz, school.ada)
    assert attempt.deadline_at == NOW + dt.timedelta(minutes=30)

    update_quiz(
        quiz,
        title=quiz.title,
        class_id=school.school_class.id,
        rules=[RuleSpec(question_count=3)],
        settings=QuizSettings(closes_at=NOW + dt.timedelta(days=1)),
        now=NOW + dt.timedelta(minutes=20),
    )

    assert attempt.deadline_at == NOW + dt.timedelta(days=1)


def test_practice_holds_back_what_a_live_quiz_of_the_class_may_draw(school: School) -> None:
    economy = school.section_id(ECONOMY)
    live = school.quiz(
        rules=[RuleSpec(question_count=2, section_id=economy, difficulties=(1,))],
        closes_at=NOW + dt.timedelta(days=1),
    )
    easy = {
        c.question_id
        for c in live_candidates(school.article.id)
        if c.section_id == economy and c.difficulty == 1
    }
    assert easy

    held = questions_held_back(school.ada.id, NOW)
    assert set(held) == easy  # only the rule's pool: its section and difficulty
    assert {(q.title, q.closes_at) for q in held.values()} == {(live.title, live.closes_at)}
    # Not once the quiz has closed, nor for a student of another class, nor when the
    # teacher lets practice show the keys, nor for a draft.
    assert questions_held_back(school.ada.id, NOW + dt.timedelta(days=1)) == {}
    outsider = create_student("carol@example.com", "Carol")
    assert questions_held_back(outsider.id, NOW) == {}
    live.keys_in_practice = True
    assert questions_held_back(school.ada.id, NOW) == {}
    school.quiz(publish=False, rules=[RuleSpec(question_count=1, section_id=economy)])
    assert questions_held_back(school.ada.id, NOW) == {}


def test_unpublished_quizzes_and_other_classes_are_refused(school: School) -> None:
    draft = school.quiz(publish=False)
    outsider = create_student("carol@example.com", "Carol")
    published = school.quiz(title="Published")

    with pytest.raises(AttemptError, match="not published yet"):
        start(draft, school.ada)
    with pytest.raises(AttemptError, match="a class you are not in"):
        start(published, outsider)
    assert [q.title for q in quizzes_for_student(school.ada.id)] == ["Published"]
    assert quizzes_for_student(outsider.id) == []


# ------------------------------------------------------------------------- grading methods


def test_grading_methods_pick_the_right_attempt(school: School) -> None:
    # Three attempts answering 1, 3 and 2 questions right: scores s1 < s2 < s3 arrive in
    # the order s1, s3, s2, so every method gives a different grade.
    for method in GradingMethod:
        quiz = school.quiz(title=f"Graded by {method.value}", grading_method=method)
        for n, right in enumerate((1, 3, 2)):
            submitted_attempt_for(
                quiz, school.ada, now=NOW + dt.timedelta(hours=n), seed=7, right=right
            )
        still_open = start(quiz, school.ada, now=NOW + dt.timedelta(hours=5))
        history = submitted_attempts(school.ada.id, [quiz.id])
        scores = [a.score for a in history]
        assert len(set(scores)) == 3 and scores[0] < scores[2] < scores[1], scores
        maxima = [a.max_score for a in history]
        expected, expected_max = {
            GradingMethod.HIGHEST: (max(scores), maxima[scores.index(max(scores))]),
            GradingMethod.LAST: (scores[-1], maxima[-1]),
            GradingMethod.FIRST: (scores[0], maxima[0]),
            GradingMethod.AVERAGE: (sum(scores) / 3, sum(maxima) / 3),
        }[method]

        summary = quiz_summary(quiz, history, [still_open])

        assert math.isclose(summary.grade, expected), (method, scores, summary.grade)
        assert summary.attempts_used == 4
        assert summary.open_attempt is still_open
        # What the grade is out of comes from the same attempt(s) as the grade.
        assert math.isclose(summary.max_score, expected_max), (method, maxima)


def test_no_grade_before_a_finished_attempt(school: School) -> None:
    quiz = school.quiz()
    attempt = start(quiz, school.ada)

    summary = quiz_summary(quiz, [], [attempt])

    assert summary.grade is None
    assert summary.attempts_used == 1


def test_scores_add_points_times_fraction(school: School) -> None:
    quiz = school.quiz(rules=[RuleSpec(11, school.section_id(ECONOMY))])
    attempt = submitted_attempt_for(quiz, school.ada, right=11)

    points = [item.question.points for item in drawn_questions(attempt)]
    assert attempt.score == attempt.max_score == sum(points)
    assert sum(points) > len(points)  # one question is worth 2 points
    assert {row.response.fraction for row in attempt.questions} == {1.0}
    assert all(item.answer is not None for item in items_of(attempt))
