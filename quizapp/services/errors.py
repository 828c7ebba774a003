"""Errors every use case may raise, whatever its area."""

from __future__ import annotations


class NotFound(LookupError):
    """No such thing for this user (someone else's counts as none): a 404 with the message."""


class RequestRefused(ValueError):
    """A form no page of ours sends (tampered with, or expired): a 400 with the message."""
