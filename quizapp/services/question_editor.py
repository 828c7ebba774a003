"""The question pages' use cases: show a question for editing, and save its form.

The edit and preview pages show a question as plain values; the form's use case checks a
teacher's draft and saves it as a new question or a new version.

The bank is shared: every teacher may edit every question, and the question's history
records who wrote, edited, retired and restored it, and when. Only a missing question is
refused (:class:`NotFound`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from quizapp.domain.media import MediaFile, MediaRefused, image_markdown, media_file
from quizapp.domain.questions import FieldProblem, QuestionInvalid
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import Article, Question, QuestionEvent, QuestionEventKind, Section, User
from quizapp.services.articles import ArticleChoice, article_choice, articles_with_sections
from quizapp.services.errors import AuthoringError, NotFound
from quizapp.services.media import MediaStore, media_store
from quizapp.services.question_authoring import (
    BANK_FILE_AUTHOR,
    NO_SUCH_QUESTION,
    check_question,
    save_question,
)
from quizapp.services.questions import PreviewQuestion, version_to_domain

# ------------------------------------------------------------------------------ editing


@dataclass(frozen=True)
class VersionInfo:
    """Who wrote one version of a question, and when."""

    number: int
    author: str
    created_at: dt.datetime


# Who a change with no recorded actor came from: loads and imports create and edit; only
# retires and restores made before history was kept have no actor.
_NO_RECORDED_ACTOR = "someone (not recorded)"


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a question's history: what happened (e.g. "Version 2 written", "Retired"),
    by whom and when."""

    what: str
    actor: str
    at: dt.datetime


@dataclass(frozen=True)
class EditableQuestion:
    """A question as its edit and preview pages show it: content, place, state, history."""

    id: int
    bank_id: str
    article: ArticleChoice
    section_id: int
    section_title: str
    current_version_number: int
    retired: bool
    evidence_stale: bool
    question: DomainQuestion
    versions: tuple[VersionInfo, ...]
    history: tuple[HistoryEntry, ...] = ()

    @property
    def current(self) -> VersionInfo:
        """The current version's number, author and date."""
        return next(v for v in self.versions if v.number == self.current_version_number)


def question_for_edit(question_id: int) -> EditableQuestion:
    """The question, its article's sections, current content, authors and history.

    Every teacher may edit every question of the shared bank, so only a missing question
    is refused (:class:`NotFound`).
    """
    row = db.session.execute(
        db.select(Question)
        .where(Question.id == question_id)
        .options(
            selectinload(Question.section)
            .selectinload(Section.article)
            .selectinload(Article.sections),
            selectinload(Question.versions),
            selectinload(Question.events),
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(NO_SUCH_QUESTION)
    author_ids = {v.created_by_id for v in row.versions if v.created_by_id is not None}
    author_ids |= {e.actor_id for e in row.events if e.actor_id is not None}
    names: dict[int | None, str] = {}
    if author_ids:
        names.update(
            db.session.execute(db.select(User.id, User.name).where(User.id.in_(author_ids))).all()
        )
    versions = tuple(
        VersionInfo(
            number=v.number,
            author=names.get(v.created_by_id, BANK_FILE_AUTHOR),
            created_at=v.created_at,
        )
        for v in row.versions
    )
    current = next(v for v in row.versions if v.number == row.current_version_number)
    return EditableQuestion(
        id=row.id,
        bank_id=row.bank_id,
        article=article_choice(row.section.article),
        section_id=row.section_id,
        section_title=row.section.title,
        current_version_number=row.current_version_number,
        retired=row.retired_at is not None,
        evidence_stale=row.evidence_stale,
        question=version_to_domain(current, row.bank_id),
        versions=versions,
        history=_history(row.events, names),
    )


def _history(events: list[QuestionEvent], names: dict[int | None, str]) -> tuple[HistoryEntry, ...]:
    """The question's events, oldest first, as sentences a teacher reads."""
    entries = []
    version = 0
    for event in sorted(events, key=lambda e: (e.at, e.id)):
        if event.kind in (QuestionEventKind.CREATE, QuestionEventKind.EDIT):
            number = event.version_number or version
            if number == version:
                what = f"Moved to another section (still version {number})"
            else:
                what = f"Version {number} written"
            version = number
            actor = names.get(event.actor_id, BANK_FILE_AUTHOR)
        else:
            what = "Retired" if event.kind is QuestionEventKind.RETIRE else "Restored"
            actor = names.get(event.actor_id, _NO_RECORDED_ACTOR)
        entries.append(HistoryEntry(what=what, actor=actor, at=event.at))
    return tuple(entries)


@dataclass(frozen=True)
class QuestionPreview:
    """A question as a student sees it (unanswered, bank order), with its editing details."""

    editable: EditableQuestion
    item: PreviewQuestion


def question_preview(question_id: int) -> QuestionPreview:
    """The question for the preview page; a missing one is :class:`NotFound`."""
    editable = question_for_edit(question_id)
    return QuestionPreview(editable, PreviewQuestion(question=editable.question))


# ------------------------------------------------------------------- the question form


@dataclass(frozen=True)
class QuestionDraft:
    """What a teacher submitted in a question form, read by the page.

    ``form_ok`` is False when the form found problems of its own (a number that did not
    parse, a text too long): the draft is still checked, so every problem shows at once,
    but never saved.
    """

    mapping: Mapping[str, object]
    section_id: int | None
    based_on_version: int | None = None
    form_ok: bool = True
    image: ImageUpload | None = None


@dataclass(frozen=True)
class ImageUpload:
    """An image sent with the question form, to add to the prompt, and its alt text."""

    data: bytes
    alt: str


def _with_image(
    draft: QuestionDraft, store: MediaStore
) -> tuple[Mapping[str, object], MediaFile | None, list[FieldProblem]]:
    """The draft's mapping with its uploaded image added after the prompt's text.

    The image is checked (type, size) but not stored: only a question that is saved
    keeps its image. Problems point at the form's image fields.
    """
    upload = draft.image
    if upload is None:
        return draft.mapping, None, []
    problems = []
    if not upload.alt.strip():
        problems.append(
            FieldProblem(
                path=("image_alt",),
                message="Say what the image shows: it is required with an image.",
            )
        )
    try:
        media = media_file(upload.data, max_bytes=store.max_file_bytes)
    except MediaRefused as refused:
        why = str(refused)
        problems.append(FieldProblem(path=("image",), message=f"{why[:1].upper()}{why[1:]}."))
        return draft.mapping, None, problems
    if problems:
        return draft.mapping, None, problems
    prompt = str(draft.mapping.get("prompt") or "").rstrip()
    image = image_markdown(upload.alt, media.name)
    return {**draft.mapping, "prompt": f"{prompt} {image}" if prompt else image}, media, []


@dataclass(frozen=True)
class SavedQuestion:
    """A question just saved: its id, bank id and (possibly unchanged) current version."""

    id: int
    bank_id: str
    version_number: int
    based_on_version: int | None

    @property
    def unchanged(self) -> bool:
        """True when an edit changed nothing, so no version was added."""
        return self.version_number == self.based_on_version


@dataclass(frozen=True)
class QuestionWrite:
    """The question form page: where the question goes and what submitting it did.

    ``article`` is None when a new question has no (valid) article yet: the page asks
    for one, from ``articles``. ``editable`` is the question being edited, re-read after a
    save that could not be done. ``problems`` belong on fields, ``errors`` on the form.
    """

    articles: tuple[ArticleChoice, ...] = ()
    article: ArticleChoice | None = None
    editable: EditableQuestion | None = None
    saved: SavedQuestion | None = None
    problems: tuple[FieldProblem, ...] = ()
    errors: tuple[str, ...] = ()
    submitted: bool = False


# Reads the page's form for the article (and the question being edited); None when
# nothing is to be saved (a GET, or an "Add ..."/"Remove" button).
DraftReader = Callable[[ArticleChoice, EditableQuestion | None], QuestionDraft | None]


def write_question(
    read: DraftReader | None,
    *,
    author_id: int,
    now: dt.datetime,
    question_id: int | None = None,
    article_id: int | None = None,
    sole_article: bool = False,
) -> QuestionWrite:
    """The question form's use case: load what the form needs, then check and save a draft.

    Editing (``question_id``) loads the question (:class:`NotFound` if absent); a new
    question loads every article and picks ``article_id``, or the only article when
    ``sole_article`` and there is just one. ``read`` turns the submitted form into a
    :class:`QuestionDraft` once the article is known; it is not called without one. The
    draft is checked (:func:`check_question`) and, when the form had no problems of its
    own, saved by ``author_id`` (:func:`save_question`).
    """
    editable = question_for_edit(question_id) if question_id is not None else None
    if editable is not None:
        articles: tuple[ArticleChoice, ...] = ()
        article: ArticleChoice | None = editable.article
    else:
        articles = tuple(article_choice(a) for a in articles_with_sections())
        if sole_article and len(articles) == 1:
            article_id = articles[0].id
        article = next((a for a in articles if a.id == article_id), None)
    page = QuestionWrite(articles=articles, article=article, editable=editable)
    if article is None or read is None:
        return page
    draft = read(article, editable)
    if draft is None:
        return page
    store = media_store()
    mapping, image, image_problems = _with_image(draft, store)
    try:
        question = check_question(mapping, article_id=article.id, section_id=draft.section_id)
        # check_question refuses a missing section, so the None test only narrows the type.
        if not draft.form_ok or draft.section_id is None or image_problems:
            return _failed(page, problems=tuple(image_problems))
        if image is not None:
            store.store([image])
        row = save_question(
            article_id=article.id,
            section_id=draft.section_id,
            question=question,
            author_id=author_id,
            now=now,
            question_id=editable.id if editable else None,
            based_on_version=draft.based_on_version,
        )
    except QuestionInvalid as invalid:
        return _failed(page, problems=(*invalid.problems, *image_problems))
    except AuthoringError as error:
        # Saving again means saving over the version now current.
        fresh = question_for_edit(editable.id) if editable is not None else None
        return _failed(page, editable=fresh, errors=error.problems)
    saved = SavedQuestion(
        id=row.id,
        bank_id=row.bank_id,
        version_number=row.current_version_number,
        based_on_version=draft.based_on_version,
    )
    return QuestionWrite(articles, article, editable, saved=saved, submitted=True)


def _failed(
    page: QuestionWrite,
    *,
    editable: EditableQuestion | None = None,
    problems: tuple[FieldProblem, ...] = (),
    errors: tuple[str, ...] = (),
) -> QuestionWrite:
    return QuestionWrite(
        articles=page.articles,
        article=page.article,
        editable=editable or page.editable,
        problems=problems,
        errors=errors,
        submitted=True,
    )
