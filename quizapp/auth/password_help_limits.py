"""Limits on the password help pages, so codes cannot be guessed and mail not sprayed.

- "Forgot your password?": every POST counts, per client address and per address typed
  (one mailbox cannot be flooded from many addresses). Both count whether or not an
  account has the address, so a 429 says nothing about accounts either.
- The reset form: refused POSTs (a wrong code, a refused password) per client address.
  A code has about 2 ** 58 values; at this rate guessing one takes longer than it lasts.

Counts live in the limiter's storage, as the log-in limits' do (``login_limits``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import current_app
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from quizapp.auth.login_limits import (
    client_network,
    form_refused,
    too_many_refused_logins,
    typed_email_digest,
)
from quizapp.rate_limit import limiter

P = ParamSpec("P")
R = TypeVar("R")

FORGOT_ADDRESS_SCOPE = "forgot-address"
FORGOT_EMAIL_SCOPE = "forgot-email"
RESET_ADDRESS_SCOPE = "reset-address"

FORGOT_ADDRESS_MESSAGE = (
    "Too many password help requests have come from your network address, so they are paused."
)
FORGOT_EMAIL_MESSAGE = "Too many links have been asked for this email address, so they are paused."
RESET_ADDRESS_MESSAGE = (
    "Too many wrong reset codes have come from your network address, so the reset form is "
    "paused for it."
)
# The routes whose 429 is the password help page rather than the log-in one.
PASSWORD_HELP_ENDPOINTS = frozenset({"auth.forgot", "auth.reset", "auth.reset_with_code"})


def forgot_limits(view: Callable[P, R]) -> Callable[P, R]:
    """Limit POSTs to ``view`` per client address and per email address typed."""
    per_address = limiter.limit(
        lambda: current_app.config["FORGOT_LIMIT_PER_ADDRESS"],
        key_func=client_network,
        methods=["POST"],
        scope=FORGOT_ADDRESS_SCOPE,
        error_message=FORGOT_ADDRESS_MESSAGE,
    )
    per_email = limiter.limit(
        lambda: current_app.config["FORGOT_LIMIT_PER_EMAIL"],
        key_func=typed_email_digest,
        methods=["POST"],
        scope=FORGOT_EMAIL_SCOPE,
        error_message=FORGOT_EMAIL_MESSAGE,
    )
    return per_email(per_address(view))


def reset_limits(view: Callable[P, R]) -> Callable[P, R]:
    """Limit refused POSTs to ``view`` per client address."""
    return limiter.limit(
        lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"],
        key_func=client_network,
        methods=["POST"],
        deduct_when=form_refused,
        scope=RESET_ADDRESS_SCOPE,
        error_message=RESET_ADDRESS_MESSAGE,
    )(view)


def too_many_password_help_requests(error: TooManyRequests) -> tuple[str | Response, int]:
    """The 429 of a password help limit: what was paused, and when to try again."""
    return too_many_refused_logins(error, template="auth/too_many_password_requests.html")
