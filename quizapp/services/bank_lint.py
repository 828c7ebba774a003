"""The lints of ``flask bank check``: each question's warnings, with the file and line
where the question starts (the rules are in ``quizapp.domain.bank_lint``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from quizapp.domain.bank import ARTICLE_FILE, QUESTION_SUFFIXES, ArticleBank
from quizapp.domain.bank_lint import lint_question


@dataclass(frozen=True)
class LintWarning:
    """A lint of one question, where it sits in the bank."""

    path: str
    line: int
    question_id: str
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: warning: question '{self.question_id}': {self.message}"


def _article_folder(root: Path, bank: ArticleBank) -> Path:
    # read_bank accepts a single article folder as well as a folder of them.
    return root if (root / ARTICLE_FILE).is_file() else root / bank.article.slug


def _section_file(folder: Path, section_slug: str) -> Path | None:
    return next(
        (
            folder / f"{section_slug}{suffix}"
            for suffix in QUESTION_SUFFIXES
            if (folder / f"{section_slug}{suffix}").is_file()
        ),
        None,
    )


def question_lines(text: str) -> dict[str, int]:
    """Each question id of a section file with the (1-based) line its entry starts on."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[str, int] = {}
    if not isinstance(root, yaml.SequenceNode):
        return lines
    for entry in root.value:
        if not isinstance(entry, yaml.MappingNode):
            continue
        for key, value in entry.value:
            if key.value == "id" and isinstance(value, yaml.ScalarNode):
                lines.setdefault(str(value.value).strip(), entry.start_mark.line + 1)
    return lines


def lint_banks(root: Path, banks: Sequence[ArticleBank]) -> list[LintWarning]:
    """Every lint of every question of ``banks`` (as read from ``root`` by ``read_bank``),
    in file order."""
    warnings = []
    for bank in banks:
        folder = _article_folder(root, bank)
        for section_slug, questions in bank.questions_by_section.items():
            path = _section_file(folder, section_slug)
            if path is None:
                continue
            lines = question_lines(path.read_text(encoding="utf-8"))
            for question in questions:
                for lint in lint_question(question):
                    warnings.append(
                        LintWarning(
                            str(path),
                            lines.get(question.id, 1),
                            question.id,
                            lint.kind,
                            lint.message,
                        )
                    )
    return warnings
