"""One-time password reset codes: how they look, and how a typed one is read back.

A teacher reads a code to a student or writes it on paper, so it uses an alphabet without
look-alikes (no 0/O, 1/I/L, U/V) and is shown in groups of four. A code is typed in any
case, with or without the dashes or spaces between the groups.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable, Sequence

__all__ = [
    "CODE_ALPHABET",
    "CODE_GROUP",
    "CODE_LENGTH",
    "format_code",
    "new_code",
    "normalise_code",
    "reset_key",
]

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
# 29 ** 12 is about 2 ** 58: too many to guess at the rate the reset page allows.
CODE_LENGTH = 12
CODE_GROUP = 4
# What people put between the groups: spaces, hyphens and the dashes word processors make.
_SEPARATORS = frozenset(" \t-_.\u2010\u2011\u2012\u2013\u2014\u2212")


def new_code(choice: Callable[[Sequence[str]], str] = secrets.choice) -> str:
    """A new random code, as stored: ``CODE_LENGTH`` characters of the alphabet, no dashes."""
    return "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """The code as shown: groups of four joined by dashes (``KQ7M-3XPD-WF9R``)."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def normalise_code(typed: str) -> str | None:
    """The code a person typed, as stored; None when it cannot be one of our codes.

    Full-width characters fold to their usual forms, case is ignored, and separators
    between the groups are dropped.
    """
    folded = unicodedata.normalize("NFKC", typed).upper()
    code = "".join(ch for ch in folded if ch not in _SEPARATORS)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def reset_key(typed: str) -> str:
    """What a code or an emailed link's token is looked up by.

    A typed code is normalised; anything else (the long token of an emailed link, which is
    case-sensitive) is taken as it is, without surrounding space.
    """
    return normalise_code(typed) or typed.strip()
