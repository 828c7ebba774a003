"""Questions of the shared bank: write, check, edit as new versions, retire, restore, delete.

Every function takes explicit ids and ``now``; every write runs in one unit of work.
Problems a teacher can fix are raised as :class:`QuestionInvalid` (located on a question
field, so the form can show them next to that field) or :class:`AuthoringError` (about the
whole action); a missing question is :class:`NotFound`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from quizapp.domain.questions import FieldProblem, QuestionInvalid, question_from_mapping
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.domain.text import closest_passage, contains_quote, slugify
from quizapp.extensions import db
from quizapp.models import AttemptQuestion, Question, QuestionVersion, Section
from quizapp.services.errors import AuthoringError, NotFound
from quizapp.services.questions import content_hash, new_version
from quizapp.services.unit_of_work import unit_of_work

# Ids are slugs of the prompt; long prompts are cut at a word boundary so ids stay readable.
_BANK_ID_LENGTH = 60
# The name a version gets when no teacher wrote it (loaded from the bank files).
BANK_FILE_AUTHOR = "the bank files"
NO_SUCH_QUESTION = "There is no such question in the bank."


class EvidenceNotFound(QuestionInvalid):
    """The evidence quote does not occur in the chosen section."""

    def __init__(self, section_title: str, passage: str) -> None:
        self.section_title = section_title
        self.passage = passage
        message = f"Not found in section '{section_title}'. Closest passage: \"{passage}\""
        super().__init__([FieldProblem(path=("evidence",), message=message)])


# ------------------------------------------------------------------------------ writing


def _section_problem(
    article_id: int, section_id: int | None
) -> tuple[Section | None, list[FieldProblem]]:
    section = db.session.get(Section, section_id) if section_id is not None else None
    if section is None or section.article_id != article_id:
        return None, [FieldProblem(path=("section",), message="Choose a section of this article.")]
    return section, []


def _evidence_problem(section: Section, evidence: object) -> EvidenceNotFound | None:
    if not isinstance(evidence, str) or not evidence.strip():
        return None
    if contains_quote(section.body, evidence):
        return None
    return EvidenceNotFound(section.title, closest_passage(section.body, evidence))


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
        miss = _evidence_problem(section, mapping.get("evidence"))
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
    miss = _evidence_problem(section, question.evidence)
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


def add_questions(
    *,
    article_id: int,
    section_id: int,
    questions: Sequence[DomainQuestion],
    author_id: int | None,
    now: dt.datetime,
) -> list[Question]:
    """Add several new questions to one section in one transaction (an import).

    All or nothing: an evidence quote missing from the section (imports usually carry
    none) raises :class:`AuthoringError` naming each question, and nothing is written.
    """
    section, problems = _section_problem(article_id, section_id)
    if section is None:
        raise AuthoringError([problem.message for problem in problems])
    misses = [
        f"Question {n} ({question.id}): evidence not found in section '{section.title}'."
        for n, question in enumerate(questions, start=1)
        if _evidence_problem(section, question.evidence) is not None
    ]
    if misses:
        raise AuthoringError(misses)
    with unit_of_work():
        # Imported questions keep their own names (GIFT titles, XML names) as bank ids.
        rows = [
            _add_question(section, question, author_id, now, id_base=question.id)
            for question in questions
        ]
    return rows


def _add_question(
    section: Section,
    question: DomainQuestion,
    author_id: int | None,
    now: dt.datetime,
    *,
    id_base: str | None = None,
) -> Question:
    row = Question(
        article_id=section.article_id,
        section_id=section.id,
        bank_id=_free_bank_id(section.article_id, id_base or question.prompt),
        current_version_number=1,
        evidence_stale=False,
        created_at=now,
    )
    version = new_version(question, number=1)
    version.created_by_id = author_id
    version.created_at = now
    row.versions.append(version)
    db.session.add(row)
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
    row.section_id = section.id
    # The evidence was just found in its section, so it is no longer stale.
    row.evidence_stale = False
    if row.current_version.content_hash != content_hash(question):
        number = row.current_version_number + 1
        version = new_version(question, number=number)
        version.question_id = row.id
        version.created_by_id = author_id
        version.created_at = now
        db.session.add(version)
        row.current_version_number = number
    return row


def _free_bank_id(article_id: int, prompt: str) -> str:
    base = slugify(prompt)
    if len(base) > _BANK_ID_LENGTH:
        cut = base[:_BANK_ID_LENGTH]
        base = cut.rsplit("-", 1)[0] if "-" in cut else cut
    base = base or "question"
    # Slugs hold only [a-z0-9-], so they are safe inside a LIKE pattern.
    taken = set(
        db.session.execute(
            db.select(Question.bank_id).where(
                Question.article_id == article_id,
                (Question.bank_id == base) | Question.bank_id.like(f"{base}-%"),
            )
        ).scalars()
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _question_row(question_id: int) -> Question:
    row = db.session.get(Question, question_id)
    if row is None:
        raise NotFound(NO_SUCH_QUESTION)
    return row


def retire_question(question_id: int, *, now: dt.datetime) -> None:
    """Keep the question for the attempts that used it, but draw it no more.

    Raises :class:`NotFound` when there is no such question.
    """
    with unit_of_work():
        row = _question_row(question_id)
        if row.retired_at is None:
            row.retired_at = now


def restore_question(question_id: int) -> None:
    """Let new attempts draw a retired question again (:class:`NotFound` if absent)."""
    with unit_of_work():
        row = _question_row(question_id)
        if row.retired_at is not None:
            row.retired_at = None


@dataclass(frozen=True)
class DeletedQuestion:
    """What is left to say about a deleted question."""

    bank_id: str
    article_id: int


def delete_question(question_id: int) -> DeletedQuestion:
    """Delete a question that no attempt ever drew; otherwise raise :class:`AuthoringError`.

    An attempt keeps the version it showed, so a question drawn even once must stay: it
    can only be retired. Raises :class:`NotFound` when there is no such question.
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
        deleted = DeletedQuestion(bank_id=row.bank_id, article_id=row.article_id)
        session.delete(row)
    return deleted
