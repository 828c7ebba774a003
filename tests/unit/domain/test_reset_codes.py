"""Reset codes: shown in groups, read back however they are typed."""

from __future__ import annotations

import random

import pytest

from quizapp.domain.reset_codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    format_code,
    new_code,
    normalise_code,
    reset_key,
)

CODE = "KQ7M3XPDWF9R"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("KQ7M-3XPD-WF9R", CODE),
        ("kq7m-3xpd-wf9r", CODE),
        ("KQ7M3XPDWF9R", CODE),
        ("kq7m 3xpd wf9r", CODE),
        ("  KQ7M - 3XPD - WF9R  ", CODE),
        ("KQ7M\u20133XPD\u2014WF9R", CODE),  # dashes a word processor makes
        ("\uff2b\uff31\uff17\uff2d-3XPD-WF9R", CODE),  # full-width letters from a phone
        ("KQ7M_3XPD.WF9R", CODE),
        ("KQ7M-3XPD-WF9", None),  # one character short
        ("KQ7M-3XPD-WF9RR", None),  # one too many
        ("KQ7M-3XPD-WF0R", None),  # 0 is not in the alphabet (nor O, 1, I, L)
        ("KQ7M-3XPD-WFOR", None),
        ("KQ7M-3XPD-WF1R", None),
        ("KQ7M-3XPD-WFLR", None),
        ("", None),
        ("KQ7M/3XPD/WF9R", None),
    ],
)
def test_a_typed_code_is_read_back_or_refused(typed: str, expected: str | None) -> None:
    assert normalise_code(typed) == expected


@pytest.mark.parametrize(
    ("code", "shown"),
    [(CODE, "KQ7M-3XPD-WF9R"), ("ABCDEFGH", "ABCD-EFGH"), ("ABCDE", "ABCD-E"), ("", "")],
)
def test_a_code_is_shown_in_groups_of_four(code: str, shown: str) -> None:
    assert format_code(code) == shown


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("kq7m-3xpd-wf9r", CODE),
        # An emailed link's token is case-sensitive and kept as it is.
        (
            "  Ab-c_DeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefg ",
            "Ab-c_DeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefg",
        ),
        ("not a code", "not a code"),
    ],
)
def test_the_lookup_key_of_codes_and_tokens(typed: str, key: str) -> None:
    assert reset_key(typed) == key


def test_new_codes_use_the_alphabet_and_read_back_as_themselves() -> None:
    rng = random.Random(7)
    codes = {new_code(rng.choice) for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(CODE_ALPHABET)
        assert normalise_code(format_code(code)) == code
        assert normalise_code(format_code(code).lower()) == code


def test_the_alphabet_has_no_lookalikes() -> None:
    assert not set(CODE_ALPHABET) & set("0O1IL")
