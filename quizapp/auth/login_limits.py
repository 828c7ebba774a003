"""Limits on refused log-ins that hold a guesser back without locking an owner out.

Two counts, both of refused log-ins only (a log-in that succeeds is never counted):

- per (account, client address) pair, short: someone guessing one account's password from
  one address waits, while the owner logging in from anywhere else is not affected;
- per client address, generous: an address trying many accounts is stopped, but a school
  or office whose people all share one address (NAT) is not (see docs/deploy.md).

A successful log-in clears its pair's count. The counts live in the limiter's storage
(``RATELIMIT_STORAGE_URI``); only a shared storage such as Redis counts across workers
and servers.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import current_app, jsonify, render_template, request
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from quizapp.errors import wants_json
from quizapp.rate_limit import limiter
from quizapp.services.users import normalise_email

logger = logging.getLogger(__name__)

PAIR_SCOPE = "login-account-address"
ADDRESS_SCOPE = "login-address"
# IPv6 hands a single home or school a whole /64: it counts as one address.
IPV6_NETWORK_PREFIX = 64

PAIR_MESSAGE = (
    "This account has had too many refused log-ins from your network address, so log-ins "
    "to it from here are paused. Other accounts, and this account from other addresses, "
    "are not affected."
)
ADDRESS_MESSAGE = (
    "Too many refused log-ins have come from your network address (a school or office may "
    "share one), so log-ins from it are paused."
)

P = ParamSpec("P")
R = TypeVar("R")


def client_network() -> str:
    """The client's address as counted: IPv4 as is (also when IPv6-mapped), IPv6 as its
    /64 network.

    ``request.remote_addr`` is the connecting peer unless ``TRUSTED_PROXY_COUNT`` lets
    ProxyFix take it from X-Forwarded-For.
    """
    address = request.remote_addr or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            # An IPv4 client of a server listening on [::]: the IPv4 address it is.
            return str(parsed.ipv4_mapped)
        network = ipaddress.ip_network(f"{parsed}/{IPV6_NETWORK_PREFIX}", strict=False)
        return str(network)
    return str(parsed)


def typed_email_digest() -> str:
    """The email typed into the form, as the limits count it."""
    # Hashed: the storage never holds the addresses people type, and a huge form value
    # cannot make a huge key.
    email = normalise_email(request.form.get("email", ""))
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


def _pair_key() -> str:
    return f"{typed_email_digest()}@{client_network()}"


def form_refused(response: Response) -> bool:
    """True for a refused form: it is shown again (200), where a success redirects."""
    return request.method == "POST" and response.status_code == 200


def login_limits(view: Callable[P, R]) -> Callable[P, R]:
    """Limit refused POSTs to ``view`` per (account, address) and per address."""
    per_address = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
        key_func=client_network,
        methods=["POST"],
        deduct_when=form_refused,
        scope=ADDRESS_SCOPE,
        error_message=ADDRESS_MESSAGE,
    )
    per_pair = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"],
        key_func=_pair_key,
        methods=["POST"],
        deduct_when=form_refused,
        scope=PAIR_SCOPE,
        error_message=PAIR_MESSAGE,
    )
    return per_pair(per_address(view))


def forget_refused_logins() -> None:
    """After a successful log-in: clear its (account, address) pair's count.

    The address's count stays: it measures what comes from the address, not who succeeds.
    """
    pair_key = _pair_key()
    counts = limiter.limiter
    for counted in limiter.current_limits:
        if pair_key not in counted.request_args:
            continue
        try:
            counts.clear(counted.limit, *counted.request_args)
        except counts.storage.base_exceptions:
            # The storage stopped answering since the check: the count expires on its own,
            # and failing a log-in that succeeded would be worse.
            logger.exception("could not clear the refused log-ins of an account and address")


def _retry_text() -> str:
    current = limiter.current_limit
    # The window's own reset time: RequestLimit.reset_at adds a second, which made a fresh
    # 15-minute pause read "16 minutes".
    seconds = max(1, math.ceil(current.window.reset_time - time.time())) if current else 60
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


def too_many_refused_logins(
    error: TooManyRequests, template: str = "auth/too_many_refused_logins.html"
) -> tuple[str | Response, int]:
    """The 429 of a log-in limit: which count was reached, and when to try again.

    ``template`` is the page's (the password help pages have their own heading).
    """
    message = str(error.description)
    retry_text = _retry_text()
    if wants_json():
        return jsonify(error=error.name, message=f"{message} Try again in {retry_text}."), 429
    return render_template(template, message=message, retry_text=retry_text), 429
