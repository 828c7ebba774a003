"""Password rules and email normalisation (``quizapp.domain.accounts``)."""

from __future__ import annotations

import pytest

from quizapp.domain.accounts import (
    MAX_PASSWORD_LENGTH,
    is_common_password,
    normalise_email,
    password_problem,
)

TOO_SHORT = "Use at least 10 characters."
COMMON = "This is one of the most common passwords, so it is easy to guess. Choose another."
REPETITIVE = "This password repeats or counts through a few characters. Choose another."
PERSONAL = "Do not build the password from your name or email address."


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("", TOO_SHORT),
        ("short", TOO_SHORT),
        ("123456789", TOO_SHORT),
        # The examples: each one was accepted before.
        ("aaaaaaaaaa", COMMON),
        ("1234567890", COMMON),
        ("ada@example.org", PERSONAL),
        # In the bundled list whatever the case.
        ("PASSWORD123", COMMON),
        ("qwertyuiop", COMMON),
        ("iloveyou12", COMMON),
        # Not in the list, but still a run or a repeat.
        ("zzzzzzzzzzzzzzzz", REPETITIVE),
        ("abababababab", REPETITIVE),
        ("abcdefghijklm", REPETITIVE),
        ("zyxwvutsrqpon", REPETITIVE),
        ("mnopqrstuvwx", REPETITIVE),
        # Built from the account's own details.
        ("lovelace-rules-2026", PERSONAL),
        ("ADA@EXAMPLE.ORG!!", PERSONAL),
        ("my name is ada lovelace", PERSONAL),
        ("adalovelace99", PERSONAL),
        # Good passwords.
        ("a long enough password", None),
        ("correct-horse-battery", None),
        ("tundra violin 42 teapot", None),
        ("x" * 9 + "yzw", None),
        ("é" * 3 + "ñandú-pingüino", None),
        ("p" * 196 + "wxyz", None),
    ],
)
def test_password_rules(password: str, expected: str | None) -> None:
    assert password_problem(password, email="ada@example.org", name="Ada Lovelace") == expected


def test_a_password_over_the_limit_is_told_it_is_too_long_not_too_short() -> None:
    problem = password_problem("a" * 100 + "b" * 101, email="ada@example.org", name="Ada")
    assert problem == f"Use at most {MAX_PASSWORD_LENGTH} characters; this one has 201."


@pytest.mark.parametrize(
    ("name", "email", "password", "refused"),
    [
        # Short name parts ("Li", "Jo") are everywhere inside words: not refused.
        ("Li Na", "li@example.org", "olive linen tablets", False),
        ("Jo", "jo@example.org", "jovial mountain goat", False),
        # A long local part is personal even when the name is not.
        ("Sam", "sampleton@example.org", "sampleton rocks 77", True),
        # No details known (a reset code's form knows them; the rule still works without).
        ("", "", "tundra violin 42 teapot", False),
    ],
)
def test_personal_words(name: str, email: str, password: str, refused: bool) -> None:
    assert (password_problem(password, email=email, name=name) == PERSONAL) is refused


def test_the_bundled_list_holds_thousands_of_passwords() -> None:
    assert is_common_password("123456")
    assert is_common_password("Dragon")
    assert not is_common_password("tundra violin 42 teapot")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("s1@example.org", "s1@example.org"),
        ("  S1@Example.ORG ", "s1@example.org"),
        # A zero-width space, a zero-width joiner, a byte order mark, a soft hyphen.
        ("s1\u200b@example.org", "s1@example.org"),
        ("s\u200d1@example.org", "s1@example.org"),
        ("\ufeffs1@example.org", "s1@example.org"),
        ("s1@exam\u00adple.org", "s1@example.org"),
        # Full-width letters and digits, and a full-width at sign.
        ("\uff53\uff11@example.org", "s1@example.org"),
        ("s1\uff20example.org", "s1@example.org"),
        # A control character pasted along.
        ("s1@example.org\x00", "s1@example.org"),
        # Letters that are not lookalikes stay.
        ("zoë@example.org", "zoë@example.org"),
    ],
)
def test_email_normalisation(typed: str, stored: str) -> None:
    assert normalise_email(typed) == stored
