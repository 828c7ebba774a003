"""Errors the use cases raise for the pages to show, worded for the person who reads them."""

from __future__ import annotations

from collections.abc import Iterable


class NotFound(LookupError):
    """The row a use case needs does not exist, or not for the acting user.

    Pages answer 404 with the message; another teacher's class or quiz is reported the
    same way as a missing one, so its existence does not leak.
    """

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class RequestRefused(ValueError):
    """A form no page of ours sends (tampered with, or expired): a 400 with the message."""


class AuthoringError(ValueError):
    """Why an authoring action cannot be done, one message per reason, worded for teachers."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__(" ".join(self.problems))
