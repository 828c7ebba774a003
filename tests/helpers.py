"""Helpers shared by tests: copies of the real bank with one deliberate change, and empty
databases for tests that build their own schema."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import BANK_PATH, POSTGRES_URL

ARTICLE_SLUG = "china-and-russia-exploring-ties-between-two-authoritarian-powers"
SECTION_TITLES = (
    "Introduction",
    "Are China and Russia allies?",
    "How do their foreign policies and interests compare?",
    "What are major challenges for the relationship?",
    "What are their economic ties?",
    "What are their military ties?",
)


def copy_bank(destination: Path) -> Path:
    """A writable copy of questions/ at ``destination``; returns the copy's root."""
    shutil.copytree(BANK_PATH, destination)
    return destination


def section_file(bank_root: Path, section_slug: str) -> Path:
    """The YAML file of one section of the real article in ``bank_root``."""
    return bank_root / ARTICLE_SLUG / f"{section_slug}.yaml"


def revise_first_prompt(path: Path, suffix: str = " (revised)") -> str:
    """Change the prompt of the first question in ``path``; returns that question's id."""
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions[0]["prompt"] += suffix
    path.write_text(
        yaml.safe_dump(questions, sort_keys=False, allow_unicode=True, width=1000),
        encoding="utf-8",
    )
    return questions[0]["id"]


def break_first_evidence(path: Path) -> tuple[str, int]:
    """Replace the first question's evidence with text not in the article.

    Returns the question's id and the 1-based line of its ``evidence`` field.
    """
    question_id = yaml.safe_load(path.read_text(encoding="utf-8"))[0]["id"]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.lstrip().startswith("evidence:"):
            indent = line[: len(line) - len(line.lstrip())]
            lines[index] = f'{indent}evidence: "Penguins run the Arctic shipping route."\n'
            path.write_text("".join(lines), encoding="utf-8")
            return question_id, index + 1
    raise AssertionError(f"no evidence field in {path}")


def copy_article_as(destination_root: Path, title: str, slug: str) -> Path:
    """A copy of the real article and its questions under another title and slug.

    Returns the bank root holding the copy, for tests that need more than one article.
    """
    target = destination_root / slug
    shutil.copytree(BANK_PATH / ARTICLE_SLUG, target)
    article_md = target / "article.md"
    text = article_md.read_text(encoding="utf-8")
    first_title_line = next(line for line in text.splitlines() if line.startswith("title:"))
    article_md.write_text(text.replace(first_title_line, f'title: "{title}"', 1), encoding="utf-8")
    return destination_root


@contextmanager
def empty_database(sqlite_file: Path, schema_prefix: str) -> Iterator[str]:
    """The URL of a database with nothing in it: ``sqlite_file``, or, when the tests run
    on PostgreSQL, a new schema named after ``schema_prefix`` that is dropped afterwards."""
    if POSTGRES_URL is None:
        yield f"sqlite:///{sqlite_file}"
        return
    schema = f"{schema_prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
