"""Questions of the shared bank: write, check, edit as new versions, retire, restore, delete.

Every function takes explicit ids and ``now``; every write runs in one unit of work and
records who made it, and when, in the question's history (``question_events``).
Problems a teacher can fix are raised as :class:`QuestionInvalid` (located on a question
field, so the form can show them next to that field) or :class:`AuthoringError` (about the
whole action); a missing question is :class:`NotFound`.

The bank is shared, so one teacher's change must not break another's class: a change that
would leave a published quiz that has not closed unable to draw its questions is refused,
and so is retiring or deleting a question another teacher's open quiz draws.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from quizapp.domain.evidence import EvidenceSearch, MissingQuote
from quizapp.domain.generate import Candidate, check_rules
from quizapp.domain.questions import FieldProblem, QuestionInvalid, question_from_mapping
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import (
    Article,
    AttemptQuestion,
    Question,
    QuestionEvent,
    QuestionEventKind,
    QuestionVersion,
    Section,
)
from quizapp.services.errors import AuthoringError, NotFound
from quizapp.services.live_quizzes import open_quizzes_on, quiz_name
from quizapp.services.question_bulk import (
    NewQuestion,
    bank_id_base,
    free_bank_id,
    insert_questions,
    taken_bank_ids,
    version_content,
)
from quizapp.services.questions import content_hash, new_version
from quizapp.services.quizzes import live_candidates, quiz_draw_rules
from quizapp.services.unit_of_work import unit_of_work

# The name a version gets when no teacher wrote it (loaded from the bank files).
BANK_FILE_AUTHOR = "the bank files"
NO_SUCH_QUESTION = "There is no such question in the bank."


class EvidenceNotFound(QuestionInvalid):
    """Evidence quotes not where they must be: the first in the chosen section, each
    further one in some section of the article. Each problem names its quote."""

    def __init__(self, misses: Sequence[MissingQuote]) -> None:
        self.misses = tuple(misses)
        super().__init__([_miss_problem(miss) for miss in self.misses])


def _miss_problem(miss: MissingQuote) -> FieldProblem:
    closest = f'Closest passage: "{miss.passage}"'
    if miss.index == 0:
        named = "Evidence quote 1 not found" if miss.numbered else "Not found"
        return FieldProblem(path=("evidence",), message=f"{named} in {miss.where}. {closest}")
    return FieldProblem(
        path=("evidence", miss.index),
        message=f"Evidence quote {miss.number} not found in {miss.where}. {closest}",
    )


# ------------------------------------------------------------------------------ writing


def _section_problem(
    article_id: int, section_id: int | None
) -> tuple[Section | None, list[FieldProblem]]:
    section = db.session.get(Section, section_id) if section_id is not None else None
    if section is None or section.article_id != article_id:
        return None, [FieldProblem(path=("section",), message="Choose a section of this article.")]
    return section, []


def _quotes(evidence: object) -> list[str]:
    """The quotes of a bank ``evidence`` value (one string or a list), none unless each is
    non-empty text (the domain reports those problems)."""
    quotes = evidence if isinstance(evidence, list | tuple) else [evidence]
    if not quotes or not all(isinstance(quote, str) and quote.strip() for quote in quotes):
        return []
    return [quote for quote in quotes if isinstance(quote, str)]


def _evidence_problem(section: Section, quotes: Sequence[str]) -> EvidenceNotFound | None:
    if not quotes:
        return None
    misses = EvidenceSearch(section.article.sections).missing(quotes, section)
    return EvidenceNotFound(misses) if misses else None


def check_question(
    mapping: Mapping[str, object], *, article_id: int, section_id: int | None
) -> DomainQuestion:
    """Validate a bank-format mapping and its evidence against the chosen section.

    Raises :class:`QuestionInvalid` with every problem at once: the domain's field
    problems (evidence optional, as for web-authored questions), a section outside the
    article, and an evidence quote missing from the section with the closest passage.
    """
    section, problems = _section_problem(article_id, section_id)
    question = None
    try:
        question = question_from_mapping(mapping, require_evidence=False)
    except QuestionInvalid as invalid:
        problems.extend(invalid.problems)
    if section is not None:
        miss = _evidence_problem(section, _quotes(mapping.get("evidence")))
        if miss is not None:
            problems.extend(miss.problems)
    if problems or question is None:
        raise QuestionInvalid(problems)
    return question


def save_question(
    *,
    article_id: int,
    section_id: int,
    question: DomainQuestion,
    author_id: int,
    now: dt.datetime,
    question_id: int | None = None,
    based_on_version: int | None = None,
) -> Question:
    """Add a question to the bank, or save an edit of one as a new version.

    A new question gets a ``bank_id`` slugified from its prompt, unique in the article
    (``question.id`` is ignored). An edit adds a version, written by ``author_id``, only
    when the content changed; the section may change without a new version. Raises
    :class:`QuestionInvalid` for a section outside the article or evidence not in the
    section, and :class:`AuthoringError` when ``based_on_version`` is no longer the current
    version (someone saved in between) or the question does not exist.
    """
    section, problems = _section_problem(article_id, section_id)
    if section is None:
        raise QuestionInvalid(problems)
    miss = _evidence_problem(section, question.evidence_quotes)
    if miss is not None:
        raise miss
    try:
        with unit_of_work():
            if question_id is None:
                row = _add_question(section, question, author_id, now)
            else:
                row = _edit_question(
                    question_id, section, question, author_id, now, based_on_version
                )
    except IntegrityError as error:
        # Two saves raced for the same version number or bank id; nothing was written.
        raise AuthoringError(
            ["Someone else saved this question at the same moment. Review it and save again."]
        ) from error
    return row


@dataclass(frozen=True)
class AddedQuestion:
    """A question an import added."""

    id: int
    bank_id: str


def add_questions(
    *,
    article_id: int,
    section_id: int,
    questions: Sequence[DomainQuestion],
    author_id: int | None,
    now: dt.datetime,
) -> list[AddedQuestion]:
    """Add several new questions to one section in one transaction (an import).

    All or nothing: an evidence quote missing from the section (imports usually carry
    none) raises :class:`AuthoringError` naming each question, and nothing is written.
    The rows go in with a few bulk statements (``question_bulk``), whatever the count.
    """
    section, problems = _section_problem(article_id, section_id)
    if section is None:
        raise AuthoringError([problem.message for problem in problems])
    # One search normalises each section once, not once per question.
    search = EvidenceSearch(section.article.sections)
    misses = [
        f"Question {n} ({question.id}): {_miss_words(miss)}."
        for n, question in enumerate(questions, start=1)
        for miss in search.missing(question.evidence_quotes, section)
    ]
    if misses:
        raise AuthoringError(misses)
    try:
        with unit_of_work():
            taken = taken_bank_ids(article_id)
            # Imported questions keep their own names (GIFT titles, XML names) as bank ids.
            new = [
                NewQuestion(
                    section.id,
                    free_bank_id(bank_id_base(question.id or question.prompt), taken),
                    version_content(question),
                )
                for question in questions
            ]
            ids = insert_questions(article_id, new, author_id=author_id, now=now)
    except IntegrityError as error:
        # Another import into this article took one of the bank ids; nothing was written.
        raise AuthoringError(
            ["Someone else added questions to this article at the same moment. Import again."]
        ) from error
    return [AddedQuestion(qid, item.bank_id) for qid, item in zip(ids, new, strict=True)]


def _miss_words(miss: MissingQuote) -> str:
    quote = f"evidence quote {miss.number}" if miss.numbered else "evidence"
    return f"{quote} not found in {miss.where}"


def _add_question(
    section: Section,
    question: DomainQuestion,
    author_id: int | None,
    now: dt.datetime,
) -> Question:
    row = Question(
        article_id=section.article_id,
        section_id=section.id,
        bank_id=_free_bank_id(section.article_id, question.prompt),
        current_version_number=1,
        evidence_stale=False,
        created_at=now,
    )
    version = new_version(question, number=1)
    version.created_by_id = author_id
    version.created_at = now
    row.versions.append(version)
    db.session.add(row)
    record_event(row, QuestionEventKind.CREATE, actor_id=author_id, now=now, version_number=1)
    return row


def _edit_question(
    question_id: int,
    section: Section,
    question: DomainQuestion,
    author_id: int,
    now: dt.datetime,
    based_on_version: int | None,
) -> Question:
    row = db.session.execute(
        db.select(Question)
        .where(Question.id == question_id)
        .options(selectinload(Question.current_version))
    ).scalar_one_or_none()
    if row is None or row.article_id != section.article_id:
        raise AuthoringError(["There is no such question in this article."])
    if based_on_version is not None and row.current_version_number != based_on_version:
        raise AuthoringError(
            [
                f"Someone saved version {row.current_version_number} while you were editing "
                f"version {based_on_version}. Your changes are below: check them against the "
                "new version and save again."
            ]
        )
    current = (row.section_id, row.current_version.difficulty)
    if row.retired_at is None and current != (section.id, question.difficulty):
        # Another section or difficulty may take the question out of a quiz's rule.
        moved = Candidate(question_id=row.id, section_id=section.id, difficulty=question.difficulty)
        protect_open_quizzes(row, action="edit", actor_id=author_id, now=now, replacement=moved)
    moved_section = row.section_id != section.id
    row.section_id = section.id
    # The evidence was just found where it must be, so it is no longer stale.
    row.evidence_stale = False
    changed = row.current_version.content_hash != content_hash(question)
    if changed:
        number = row.current_version_number + 1
        version = new_version(question, number=number)
        version.question_id = row.id
        version.created_by_id = author_id
        version.created_at = now
        db.session.add(version)
        row.current_version_number = number
    if changed or moved_section:
        record_event(
            row,
            QuestionEventKind.EDIT,
            actor_id=author_id,
            now=now,
            version_number=row.current_version_number,
        )
    return row


def _free_bank_id(article_id: int, prompt: str) -> str:
    base = bank_id_base(prompt)
    # Slugs hold only [a-z0-9-], so they are safe inside a LIKE pattern.
    taken = set(
        db.session.execute(
            db.select(Question.bank_id).where(
                Question.article_id == article_id,
                (Question.bank_id == base) | Question.bank_id.like(f"{base}-%"),
            )
        ).scalars()
    )
    return free_bank_id(base, taken)


def _question_row(question_id: int) -> Question:
    row = db.session.get(Question, question_id)
    if row is None:
        raise NotFound(NO_SUCH_QUESTION)
    return row


def retire_question(question_id: int, *, actor_id: int | None, now: dt.datetime) -> None:
    """Keep the question for the attempts that used it, but draw it no more.

    The retire is recorded as done by ``actor_id``. Raises :class:`AuthoringError` when an
    open published quiz would lose it (see :func:`protect_open_quizzes`), and
    :class:`NotFound` when there is no such question. Retiring a retired question changes
    nothing.
    """
    with unit_of_work():
        row = _question_row(question_id)
        if row.retired_at is None:
            protect_open_quizzes(row, action="retire", actor_id=actor_id, now=now)
            row.retired_at = now
            record_event(row, QuestionEventKind.RETIRE, actor_id=actor_id, now=now)


def restore_question(question_id: int, *, actor_id: int | None, now: dt.datetime) -> None:
    """Let new attempts draw a retired question again, recorded as done by ``actor_id``.

    Raises :class:`NotFound` when there is no such question; restoring a question that is
    not retired changes nothing.
    """
    with unit_of_work():
        row = _question_row(question_id)
        if row.retired_at is not None:
            row.retired_at = None
            record_event(row, QuestionEventKind.RESTORE, actor_id=actor_id, now=now)


@dataclass(frozen=True)
class DeletedQuestion:
    """What is left to say about a deleted question."""

    bank_id: str
    article_id: int


def delete_question(question_id: int, *, actor_id: int | None, now: dt.datetime) -> DeletedQuestion:
    """Delete a question that no attempt ever drew; otherwise raise :class:`AuthoringError`.

    An attempt keeps the version it showed, so a question drawn even once must stay: it
    can only be retired. Deleting is refused, as retiring is, when an open published quiz
    would lose the question (:func:`protect_open_quizzes`). Its history goes with it.
    Raises :class:`NotFound` when there is no such question.
    """
    with unit_of_work() as session:
        row = _question_row(question_id)
        drawn = session.scalar(
            db.select(func.count(AttemptQuestion.id))
            .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
            .where(QuestionVersion.question_id == question_id)
        )
        if drawn:
            who = "An attempt has" if drawn == 1 else f"{drawn} attempts have"
            raise AuthoringError(
                [
                    f"{who} drawn this question and must keep it, so it cannot be deleted. "
                    "Retire it instead: it stays for those attempts, but new quizzes no longer "
                    "draw it."
                ]
            )
        if row.retired_at is None:
            protect_open_quizzes(row, action="delete", actor_id=actor_id, now=now)
        deleted = DeletedQuestion(bank_id=row.bank_id, article_id=row.article_id)
        session.delete(row)
    return deleted


# -------------------------------------------------------------------------------- history


def record_event(
    row: Question,
    kind: QuestionEventKind,
    *,
    actor_id: int | None,
    now: dt.datetime,
    version_number: int | None = None,
) -> QuestionEvent:
    """Add one entry to the question's history (inside the caller's unit of work).

    ``actor_id`` is None when no teacher made the change (a bank load, a command-line
    import); ``version_number`` is the version current after a create or an edit.
    """
    event = QuestionEvent(
        question=row, kind=kind, actor_id=actor_id, version_number=version_number, at=now
    )
    db.session.add(event)
    return event


# ------------------------------------------------- published quizzes stay drawable


def protect_open_quizzes(
    row: Question,
    *,
    action: str,
    actor_id: int | None,
    now: dt.datetime,
    replacement: Candidate | None = None,
) -> None:
    """Refuse a change to a question that an open published quiz depends on.

    A quiz is open when it is published and has not closed (``closes_at`` empty or after
    ``now``). Without ``replacement`` the question leaves the drawable bank (retire,
    delete); then a quiz whose rules match it and that belongs to someone other than
    ``actor_id`` refuses the change outright, since its students may be drawing the
    question. With ``replacement`` the question stays but may move section or difficulty
    (an edit). Either way, a change after which a quiz's rules could no longer be
    satisfied, though they could before, is refused. Raises :class:`AuthoringError` naming
    every such quiz (``action`` is the verb for the messages, e.g. "retire").
    """
    # Two teachers retiring a section's last spare questions at once must not both pass
    # the check: lock the article's row on PostgreSQL. (SQLite ignores the lock, but in WAL
    # mode a transaction that read before another committed a write cannot write itself.)
    db.session.execute(db.select(Article.id).where(Article.id == row.article_id).with_for_update())
    quizzes = open_quizzes_on(row.article_id, now)
    if not quizzes:
        return
    before = live_candidates(row.article_id)
    this = next((c for c in before if c.question_id == row.id), None)
    after = [c for c in before if c.question_id != row.id]
    if replacement is not None:
        after.append(replacement)
    elif this is None:
        return  # retired or stale already: no quiz draws it now
    sections = {
        s.id: s
        for s in db.session.scalars(db.select(Section).where(Section.article_id == row.article_id))
    }
    problems = []
    for quiz, owner in quizzes:
        rules = quiz_draw_rules(quiz, sections)
        drawn = this is not None and any(rule.matches(this) for rule in rules)
        if drawn and replacement is None and quiz.owner_id != actor_id:
            problems.append(
                f"“{row.bank_id}” is drawn by {quiz_name(quiz, owner)}, so you cannot "
                f"{action} it. Ask {owner}, or {action} it once the quiz has closed."
            )
        elif (broken := check_rules(rules, after)) and not check_rules(rules, before):
            problems.append(
                f"You cannot {action} “{row.bank_id}”: {quiz_name(quiz, owner)}, could then "
                f"no longer draw its questions ({'; '.join(broken)}). Change the quiz's rules "
                "first, or wait until it has closed."
            )
    if problems:
        raise AuthoringError(problems)
