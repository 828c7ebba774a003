"""Rules for account details: which passwords are refused, and how emails are compared.

Passwords follow NIST SP 800-63B's advice: a minimum length, no composition rules, but a
refusal of passwords found in breach lists, of repetitive or sequential ones, and of ones
built from the account's own email or name.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import unicodedata
from importlib import resources

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "is_common_password",
    "normalise_email",
    "password_problem",
]

MIN_PASSWORD_LENGTH = 10
# Long passphrases are welcome; the bound only keeps hashing cheap and forms sane.
MAX_PASSWORD_LENGTH = 200
# Shorter parts of a name or an email ("Li", "jo") are too common inside words to refuse.
_SHORTEST_PERSONAL_WORD = 4
_FEWEST_DIFFERENT_CHARACTERS = 4
# Unicode categories that render as nothing: zero-width spaces and joiners, the byte order
# mark, soft hyphens (Cf), and control characters (Cc).
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc"})


def normalise_email(email: str) -> str:
    """The form an email is stored and compared in, so that lookalikes are one account.

    NFKC folds compatibility forms (full-width letters become their
    usual forms), invisible characters are dropped, surrounding space is trimmed,
    and the whole address is lower-cased: the domain is case-insensitive by definition,
    and no school's mail server treats ``Ada@`` and ``ada@`` as two people.
    """
    folded = unicodedata.normalize("NFKC", email)
    visible = "".join(ch for ch in folded if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)
    return visible.strip().lower()


@functools.cache
def _common_passwords() -> frozenset[str]:
    # Read once per process: 19,640 lines, about 1 MB as a set.
    data = resources.files("quizapp").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())


def is_common_password(password: str) -> bool:
    """True when the password, ignoring case, is in the bundled list of common passwords."""
    return password.casefold() in _common_passwords()


def _is_sequence(password: str) -> bool:
    # "abcdefghij", "9876543210": each character one step from the last, the same way.
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(password)}
    return steps in ({1}, {-1})


def _personal_words(email: str, name: str) -> list[str]:
    local_part = normalise_email(email).partition("@")[0]
    words = [email.casefold().strip(), local_part, "".join(name.casefold().split())]
    words += name.casefold().split()
    return [word for word in words if len(word) >= _SHORTEST_PERSONAL_WORD]


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """What is wrong with ``password`` as a new password for this account, or None.

    The message is a sentence for the person choosing it, shown next to the field.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters; this one has {len(password)}."
    if is_common_password(password):
        return "This is one of the most common passwords, so it is easy to guess. Choose another."
    if len(set(password)) < _FEWEST_DIFFERENT_CHARACTERS or _is_sequence(password):
        return "This password repeats or counts through a few characters. Choose another."
    folded = "".join(password.casefold().split())
    for word in _personal_words(email, name):
        if word in folded:
            return "Do not build the password from your name or email address."
    return None
