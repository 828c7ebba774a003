"""Several evidence quotes: saving, storing, imports and article edits check every one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from quizapp.domain.bank import read_bank
from quizapp.domain.questions import QuestionInvalid
from quizapp.extensions import db
from quizapp.models import Article, Question, QuestionVersion
from quizapp.services import articles, question_authoring
from quizapp.services.bank import export_bank, load_bank
from quizapp.services.errors import AuthoringError
from quizapp.services.question_authoring import EvidenceNotFound
from quizapp.services.questions import content_hash, version_to_domain
from tests.factories import NOW
from tests.integration.authoring_support import (
    ARTICLE_MD,
    TEA,
    save_new,
    section_id,
    single,
)

pytestmark = pytest.mark.usefixtures("app_context")

OWN = "Dutch traders brought it first."
OTHER = "Smuggling was common"
BOTH = [OWN, OTHER]


def _version(row: Question) -> QuestionVersion:
    return db.session.execute(
        db.select(QuestionVersion).where(QuestionVersion.question_id == row.id)
    ).scalar_one()


def test_a_question_quoting_two_sections_is_saved_with_both_quotes(
    article: Article, teacher_id: int
) -> None:
    row = save_new(article, teacher_id, single(evidence=BOTH))

    version = _version(row)
    assert (version.evidence, version.further_evidence) == (OWN, [OTHER])
    question = version_to_domain(version, row.bank_id)
    assert question.evidence_quotes == (OWN, OTHER)
    assert question.evidence == OWN
    assert version.content_hash == content_hash(question)


def test_one_quote_is_stored_as_before_with_no_further_quotes(
    article: Article, teacher_id: int
) -> None:
    row = save_new(article, teacher_id)

    version = _version(row)
    assert (version.evidence, version.further_evidence) == (OWN, None)
    assert version_to_domain(version, row.bank_id).evidence_quotes == (OWN,)


@pytest.mark.parametrize(
    ("evidence", "path", "message"),
    [
        (
            [OWN, "Penguins ran the tea trade."],
            ("evidence", 1),
            "Evidence quote 2 not found in any section of the article. Closest passage: ",
        ),
        (
            [OTHER, OWN],
            ("evidence",),
            "Evidence quote 1 not found in section 'Tea in Europe'. Closest passage: ",
        ),
    ],
)
def test_a_quote_not_where_it_must_be_is_refused_naming_it(
    article: Article,
    teacher_id: int,
    evidence: list[str],
    path: tuple[object, ...],
    message: str,
) -> None:
    with pytest.raises(EvidenceNotFound) as caught:
        save_new(article, teacher_id, single(evidence=evidence))

    (problem,) = caught.value.problems
    assert problem.path == path
    assert problem.message.startswith(message)
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0


def test_check_question_reports_the_missing_further_quote_with_the_closest_passage(
    article: Article,
) -> None:
    mapping = single(evidence=[OWN, "Smuggling was rare"]).to_mapping()

    with pytest.raises(QuestionInvalid) as caught:
        question_authoring.check_question(
            mapping, article_id=article.id, section_id=section_id(article, TEA)
        )

    assert str(caught.value) == (
        "Evidence quote 2 not found in any section of the article. Closest passage: "
        '"Smuggling was common, because"'
    )
    assert caught.value.problems[0].path == ("evidence", 1)


def test_an_import_names_the_question_and_the_quote_missing(
    article: Article, teacher_id: int
) -> None:
    with pytest.raises(AuthoringError) as caught:
        question_authoring.add_questions(
            article_id=article.id,
            section_id=section_id(article, TEA),
            questions=[single(), single(evidence=[OWN, "Penguins ran the tea trade."])],
            author_id=teacher_id,
            now=NOW,
        )

    assert caught.value.problems == (
        "Question 2 (draft): evidence quote 2 not found in any section of the article.",
    )


def test_an_import_stores_the_further_quotes(article: Article, teacher_id: int) -> None:
    (added,) = question_authoring.add_questions(
        article_id=article.id,
        section_id=section_id(article, TEA),
        questions=[single(evidence=BOTH)],
        author_id=teacher_id,
        now=NOW,
    )

    version = _version(db.session.get_one(Question, added.id))
    assert (version.evidence, version.further_evidence) == (OWN, [OTHER])


def test_an_article_edit_flags_a_question_whose_further_quote_left_the_article(
    article: Article, teacher_id: int
) -> None:
    connecting = save_new(article, teacher_id, single(evidence=BOTH))
    single_quote = save_new(article, teacher_id)

    # The further quote moves to another section: still in the article, still fine.
    moved = ARTICLE_MD.replace(
        "Smuggling was common, because\nthe duty on tea was high.", ""
    ).replace("as a medicine.", "as a medicine. Smuggling was common, because it was dear.")
    update = articles.update_article(article.id, moved, NOW + dt.timedelta(days=1))
    assert (update.went_stale, update.no_longer_stale) == (0, 0)

    gone = ARTICLE_MD.replace("Smuggling was common", "Smuggling was rare")
    update = articles.update_article(article.id, gone, NOW + dt.timedelta(days=2))
    assert (update.went_stale, update.no_longer_stale) == (1, 0)
    assert db.session.get_one(Question, connecting.id).evidence_stale is True
    assert db.session.get_one(Question, single_quote.id).evidence_stale is False

    back = articles.update_article(article.id, ARTICLE_MD, NOW + dt.timedelta(days=3))
    assert (back.went_stale, back.no_longer_stale) == (0, 1)
    assert db.session.get_one(Question, connecting.id).evidence_stale is False


def test_the_bank_export_writes_the_list_and_a_load_stores_it_again(
    article: Article, teacher_id: int, tmp_path: Path
) -> None:
    row = save_new(article, teacher_id, single(evidence=BOTH))
    save_new(article, teacher_id, single("Who came first?"))

    export_bank(tmp_path / "export")

    folder = tmp_path / "export" / article.slug
    text = (folder / f"{TEA}.yaml").read_text(encoding="utf-8")
    assert f"  evidence:\n    - {OWN}\n    - {OTHER}\n" in text
    assert f"  evidence: {OWN}\n" in text
    (bank,) = read_bank(tmp_path / "export")
    quotes = [q.evidence_quotes for q in bank.questions_by_section[TEA]]
    assert quotes == [(OWN, OTHER), (OWN,)]

    # Loading the export back changes nothing: the content hashes match.
    load_bank(tmp_path / "export", now=NOW + dt.timedelta(days=1))
    assert db.session.scalar(db.select(db.func.count(QuestionVersion.id))) == 2
    assert _version(db.session.get_one(Question, row.id)).further_evidence == [OTHER]
