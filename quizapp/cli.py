"""Command-line interface: ``flask bank ...``, ``flask users ...``, ``flask db backup``.

Each command parses its arguments, calls one service and reports; the work itself lives
in ``quizapp.services`` so it is testable without the CLI.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from quizapp.backup import BackupError, UsePgDump, backup_database
from quizapp.clock import utcnow
from quizapp.domain.bank import BankError, read_bank
from quizapp.domain.interchange import InterchangeError, ReadQuestion, SkippedQuestion
from quizapp.models import Role
from quizapp.services.bank import export_bank, load_bank
from quizapp.services.bank_lint import lint_banks
from quizapp.services.calibration import Calibrated, calibrate
from quizapp.services.demo import create_demo
from quizapp.services.errors import AuthoringError
from quizapp.services.import_matching import Match, PlannedQuestion, apply_plan, plan_import
from quizapp.services.interchange import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    PREVIEW_QUESTIONS,
    NothingToImport,
    export_questions,
    find_target,
    first_problems,
    more_problems,
    nothing_to_import,
    read_file,
    sections_named,
)
from quizapp.services.password_resets import issue_admin_reset_code
from quizapp.services.users import AccountError, create_user

bank_cli = AppGroup("bank", help="Check, load, export and calibrate the question bank.")
users_cli = AppGroup("users", help="Manage accounts.")
demo_cli = AppGroup("demo", help="Demo accounts for trying QuizApp out.")


def _bank_path(path: Path | None) -> Path:
    return path if path is not None else Path(current_app.config["BANK_PATH"])


def _echo_problems(problems: Sequence[object]) -> None:
    """The first problems to standard error, then a line counting the others."""
    listed, more = first_problems(problems)
    for problem in listed:
        click.echo(str(problem), err=True)
    if more:
        click.echo(more_problems(more), err=True)


def _fail_with_problems(error: BankError, consequence: str) -> None:
    _echo_problems(error.problems)
    count = len(error.problems)
    click.echo(f"{count} problem{'' if count == 1 else 's'} found{consequence}.", err=True)
    sys.exit(1)


@bank_cli.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--strict", is_flag=True, help="Fail (exit 1) on lint warnings too, not only on problems."
)
def check_command(path: Path | None, strict: bool) -> None:
    """Validate the bank at PATH (default: questions/), list every problem, then the lint
    warnings (docs/item-writing.md); warnings fail the check only with --strict."""
    root = _bank_path(path)
    try:
        banks = read_bank(root)
    except BankError as error:
        _fail_with_problems(error, "")
    for bank in banks:
        total = sum(len(qs) for qs in bank.questions_by_section.values())
        click.echo(
            f"{bank.article.slug}: {len(bank.article.sections)} sections, {total} questions, OK"
        )
    warnings = lint_banks(root, banks)
    for warning in warnings:
        click.echo(str(warning), err=True)
    if warnings:
        click.echo(f"{_plural(len(warnings), 'lint warning')}.", err=True)
        if strict:
            sys.exit(1)


def _echo_calibrated(item: Calibrated) -> None:
    click.echo(
        f"{item.article_slug}/{item.bank_id}: difficulty {item.old} → {item.new} "
        f"(facility {item.facility:.2f}, n={item.answers})"
    )


@bank_cli.command("calibrate")
@click.option("--dry-run", is_flag=True, help="List the changes; change nothing.")
@click.option(
    "--min-attempts", type=click.IntRange(min=1),
    help="First attempts a question needs (default: the CALIBRATION_MIN_ATTEMPTS setting).",
)  # fmt: skip
def calibrate_command(dry_run: bool, min_attempts: int | None) -> None:
    """Set each question's difficulty from its facility over students' first attempts at
    assessments (docs/item-writing.md, "Difficulty")."""
    minimum = min_attempts or int(current_app.config["CALIBRATION_MIN_ATTEMPTS"])
    report = calibrate(min_attempts=minimum, now=utcnow(), dry_run=dry_run)
    if report.changed:
        click.echo("Would change:" if dry_run else "Changed (each a new version):")
    for item in report.changed:
        _echo_calibrated(item)
    for item in report.refused:
        click.echo(
            f"{item.article_slug}/{item.bank_id}: difficulty left at {item.old}, not "
            f"{item.new} (facility {item.facility:.2f}, n={item.answers}): "
            + " ".join(item.refused)
        )
    changed = _plural(len(report.changed), "question")
    click.echo(
        f"{changed} {'would change' if dry_run else 'changed'}, "
        f"{len(report.refused)} kept for open quizzes, {report.confirmed} already right, "
        f"{report.too_few} with fewer than {minimum} first attempts."
        + (" Nothing was changed (--dry-run)." if dry_run else "")
    )


@bank_cli.command("load")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def load_command(path: Path | None) -> None:
    """Load the bank at PATH (default: questions/) into the database, all or nothing."""
    try:
        report = load_bank(_bank_path(path), now=utcnow())
    except BankError as error:
        _fail_with_problems(error, "; nothing was loaded")
        return
    width = max((len(s.section_slug) for s in report.sections), default=0)
    for section in report.sections:
        click.echo(
            f"{section.article_slug}/{section.section_slug.ljust(width)}  "
            f"{section.questions:3d} questions ({section.added} new, "
            f"{section.new_versions} changed)"
        )
    click.echo(
        f"Loaded {report.questions} questions: {report.added} new, "
        f"{report.new_versions} new versions, "
        f"{report.questions - report.added - report.new_versions} unchanged."
    )


@bank_cli.command("export")
@click.option(
    "--out", "out_path", required=True, type=click.Path(path_type=Path),
    help="yaml: the folder to write the bank into; gift, moodle-xml: the file to write.",
)  # fmt: skip
@click.option(
    "--format", "format_name", default="yaml",
    type=click.Choice(["yaml", *EXPORT_FORMATS]), show_default=True,
)  # fmt: skip
@click.option(
    "--section", "section_ref", help="Only this section: SECTION-SLUG or ARTICLE-SLUG/SECTION-SLUG."
)
def export_command(out_path: Path, format_name: str, section_ref: str | None) -> None:
    """Write the database's questions out: the bank format, GIFT or Moodle XML."""
    if format_name == "yaml":
        if section_ref:
            raise click.ClickException("--section works with --format gift or moodle-xml")
        written = export_bank(out_path)
        click.echo(f"Wrote {len(written)} files to {out_path}")
        return
    section_id = None
    if section_ref:
        article_slug, _, section_slug = section_ref.rpartition("/")
        matches = sections_named(section_slug, article_slug or None)
        if len(matches) != 1:
            raise click.ClickException(
                f"no section '{section_ref}'"
                if not matches
                else f"'{section_ref}' names sections in several articles; "
                "write ARTICLE-SLUG/SECTION-SLUG"
            )
        section_id = matches[0].id
    text = export_questions(format_name, section_id)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {out_path}")


# `flask bank import` exit status when it imported (or, on a dry run, would import) the
# file's other questions but skipped some. 1 is "nothing was imported", 2 a usage error.
EXIT_SKIPPED = 3


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word if count == 1 else word + 's'}"


def _echo_plan(questions: Sequence[ReadQuestion], plan: Sequence[PlannedQuestion]) -> None:
    """The first questions with what importing each does, then how many are not shown."""
    for read, item in zip(questions[:PREVIEW_QUESTIONS], plan, strict=False):
        question = read.question
        click.echo(
            f"  {question.type_name:<10} {question.id}: {question.prompt[:70]} ({item.label})"
        )
    if len(plan) > PREVIEW_QUESTIONS:
        click.echo(f"  and {len(plan) - PREVIEW_QUESTIONS:,} more questions")


def _echo_skipped(skipped: Sequence[SkippedQuestion]) -> None:
    """The first skipped questions, where and why, to standard error, then how many more."""
    if not skipped:
        return
    click.echo(
        f"{_plural(len(skipped), 'question')} cannot be imported and "
        f"{'was' if len(skipped) == 1 else 'were'} skipped:",
        err=True,
    )
    listed, more = first_problems(skipped)
    for item in listed:
        click.echo(f"  {item}", err=True)
    if more:
        click.echo(f"  and {_plural(more, 'more skipped question')}.", err=True)


def _fail_nothing_to_import(nothing: NothingToImport, importable: int) -> NoReturn:
    _echo_problems(nothing.problems)
    if nothing.none_importable:
        click.echo(nothing.none_importable_summary, err=True)
    else:
        click.echo(f"{len(nothing.problems):,} problem(s) found; nothing was imported.", err=True)
        if importable:
            click.echo(
                f"(--skip-problems imports the other {_plural(importable, 'question')}.)",
                err=True,
            )
    sys.exit(1)


@bank_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "format_name", required=True, type=click.Choice(list(IMPORT_FORMATS)),
    help="The file's format.",
)  # fmt: skip
@click.option("--article", "article_slug", required=True, help="Slug of the article.")
@click.option("--section", "section_slug", required=True, help="Slug of the section.")
@click.option(
    "--skip-problems", is_flag=True,
    help="Import what can be imported: skip (and list) the questions with a problem "
    "instead of importing nothing.",
)  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Check and list the questions; save nothing.")
def import_command(
    file: Path,
    format_name: str,
    article_slug: str,
    section_slug: str,
    skip_problems: bool,
    dry_run: bool,
) -> None:
    """Import the questions in FILE into one section: all or nothing, or with
    --skip-problems what can be imported.

    A question the section already holds (same name, id number or content) is left
    unchanged or saved as its new version, never added twice. Exit status: 0 imported
    (or nothing new to import), 1 nothing imported (problems listed), 3 imported but some
    questions skipped (--skip-problems; listed with where and why).
    """
    target = find_target(article_slug, section_slug)
    if target is None:
        raise click.ClickException(
            f"no section '{section_slug}' in an article '{article_slug}' "
            "(see the article page for the slugs)"
        )
    try:
        data = file.read_bytes()
    except OSError as error:
        raise click.ClickException(f"{file}: {error.strerror}") from error
    warnings: list[str] = []
    try:
        result = read_file(
            data,
            str(file),
            format_name,
            max_bytes=current_app.config["IMPORT_MAX_BYTES"],
            warnings=warnings,
        )
    except InterchangeError as error:
        _echo_problems(error.problems)
        click.echo(f"{len(error.problems):,} problem(s) found; nothing was imported.", err=True)
        sys.exit(1)
    nothing = nothing_to_import(result, skip_problems=skip_problems)
    if nothing is not None:
        _fail_nothing_to_import(nothing, len(result.questions))
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    plan = plan_import(target.section.id, result.questions, IMPORT_FORMATS[format_name].not_carried)
    _echo_plan(result.questions, plan)
    _echo_skipped(result.skipped)
    counts = Counter(item.match for item in plan)
    written = counts[Match.NEW] + counts[Match.NEW_VERSION]
    if dry_run:
        click.echo(f"{_plural(written, 'question')} would be imported (dry run: nothing saved).")
    else:
        try:
            apply_plan(
                article_id=target.article.id,
                section_id=target.section.id,
                plan=plan,
                author_id=None,
                now=utcnow(),
            )
        except AuthoringError as error:
            _echo_problems(error.problems)
            raise click.ClickException("nothing was imported") from error
        click.echo(f"Imported {_plural(written, 'question')} into '{target.section.title}'.")
        if counts[Match.NEW]:
            click.echo(
                "The new ones have no evidence yet: add a quote from the section to each "
                "(the bank flags them)."
            )
    click.echo(
        f"{counts[Match.NEW]:,} new, {_plural(counts[Match.NEW_VERSION], 'new version')}, "
        f"{counts[Match.UNCHANGED]:,} unchanged, {len(result.skipped):,} skipped."
    )
    if result.skipped:
        sys.exit(EXIT_SKIPPED)


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role]),
    help="student, teacher, or admin (a teacher who may also make accounts teachers)",
)  # fmt: skip
@click.option("--name", help="Display name (default: the part of the email before @).")
@click.option(
    "--password-stdin", is_flag=True,
    help="Read the password from standard input instead of prompting.",
)  # fmt: skip
def create_user_command(email: str, role: str, name: str | None, password_stdin: bool) -> None:
    """Create an account for EMAIL; the password is prompted for (or read from stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(
            email, password, role=Role(role), name=name or email.split("@")[0], now=utcnow()
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role.value} {user.email}")


@users_cli.command("reset-code")
@click.argument("email")
@click.option(
    "--base-url", default="",
    help="The site's address (e.g. https://quiz.example.org) to print a whole link.",
)  # fmt: skip
def reset_code_command(email: str, base_url: str) -> None:
    """Print a one-time password reset code and link for the account with EMAIL.

    For a teacher or admin locked out when the site sends no mail; any earlier unused code
    of the account stops working. Hand it over privately: it is shown only this once.
    """
    try:
        issued = issue_admin_reset_code(email, now=utcnow())
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Reset code for {issued.name} ({issued.email}): {issued.code}\n"
        f"  Link:    {base_url.rstrip('/')}/reset/{issued.code}\n"
        f"  Expires: {issued.expires_at:%Y-%m-%d %H:%M} UTC; it works once.\n"
        "  Shown only now: QuizApp keeps only its hash."
    )


@demo_cli.command("setup")
def demo_setup_command() -> None:
    """On an empty database, create a demo teacher, class and quiz and print the login.

    Does nothing when QUIZAPP_DEMO_ACCOUNTS is false (real deployments) or when any
    account already exists.
    """
    if not current_app.config["DEMO_ACCOUNTS"]:
        click.echo("Demo accounts are turned off (QUIZAPP_DEMO_ACCOUNTS=false).")
        return
    demo = create_demo(now=utcnow())
    if demo is None:
        click.echo("Accounts already exist: no demo accounts created.")
        return
    made = (
        "a class and a published quiz"
        if demo.quiz_title
        else "and a class (load a bank for a quiz)"
    )
    click.echo(
        f"Created a demo teacher, {made}.\n"
        f"  Teacher login: {demo.email}\n"
        f"  Password:      {demo.password}   (shown once; you choose a new one at the first "
        "login)\n"
        f"  Class:         {demo.class_name}, join code {demo.join_code}\n"
        "  The demo teacher is an admin: it can make other accounts teachers at "
        "/teacher/teachers.\n"
        "  Try the student side: sign up at /signup and join the class with that code."
    )


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def backup_command(path: Path, force: bool) -> None:
    """Copy the database to PATH while the app serves (SQLite).

    For PostgreSQL it prints how to use pg_dump and exits with status 1: no backup made.
    """
    try:
        made = backup_database(current_app.config["SQLALCHEMY_DATABASE_URI"], path, overwrite=force)
    except UsePgDump as advice:
        click.echo(str(advice), err=True)
        sys.exit(1)
    except BackupError as error:
        raise click.ClickException(f"no backup made: {error}") from error
    click.echo(f"Backed up {made.source} to {made.path} ({made.size_bytes / 1e6:.1f} MB).")


def init_app(app: Flask) -> None:
    """Register the command groups on ``app``, and ``backup`` in Flask-Migrate's ``db``."""
    app.cli.add_command(bank_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    # Flask-Migrate's init_app (run before this) registered its group as `flask db`. The
    # group is one object shared by every app in the process; adding a command by name
    # again only replaces it.
    migrate_group = app.cli.commands.get("db")
    if not isinstance(migrate_group, click.Group):
        raise RuntimeError("Flask-Migrate's `flask db` group is missing: init_app it first")
    migrate_group.add_command(backup_command)
