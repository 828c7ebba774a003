"""Sending plain-text email through an SMTP server, with the standard library's smtplib.

Settings (``QUIZAPP_MAIL_*``, defaults in ``config.DefaultConfig``): MAIL_SERVER (mail is
on when it is set), MAIL_PORT, MAIL_USERNAME and MAIL_PASSWORD (log in when a username is
set), MAIL_USE_TLS (STARTTLS after connecting), MAIL_USE_SSL (TLS from the first byte,
usually port 465), MAIL_SENDER (the From address) and MAIL_TIMEOUT (seconds).

A message is sent from a background thread: the page that asked for it answers at once,
and no faster or slower whether or not a message was sent, so its timing says nothing
about which addresses have accounts. A failure is logged, never shown.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from typing import Any

logger = logging.getLogger(__name__)


class MailNotConfigured(RuntimeError):
    """MAIL_SERVER is not set, or no sender address can be worked out."""


@dataclass(frozen=True)
class MailSettings:
    """How to reach the SMTP server."""

    server: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    use_ssl: bool
    sender: str
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings:
        """The settings in an app's config; raises ``MailNotConfigured`` without a server."""
        server = config.get("MAIL_SERVER")
        if not server:
            raise MailNotConfigured("MAIL_SERVER is not set")
        sender = config.get("MAIL_SENDER") or config.get("MAIL_USERNAME")
        if not sender:
            raise MailNotConfigured("set MAIL_SENDER (the From address) or MAIL_USERNAME")
        return cls(
            server=str(server),
            port=int(config.get("MAIL_PORT", 587)),
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            use_tls=bool(config.get("MAIL_USE_TLS", True)),
            use_ssl=bool(config.get("MAIL_USE_SSL", False)),
            sender=str(sender),
            timeout=float(config.get("MAIL_TIMEOUT", 10)),
        )


def mail_configured(config: Mapping[str, Any]) -> bool:
    """True when the app can send mail (MAIL_SERVER is set)."""
    return bool(config.get("MAIL_SERVER"))


def build_message(settings: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from the configured sender."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    # The sender's own domain: "QuizApp <quiz@school.example>" gives school.example.
    domain = parseaddr(settings.sender)[1].rpartition("@")[2]
    message["Message-ID"] = make_msgid(domain=domain or None)
    message.set_content(body)
    return message


def send_mail(settings: MailSettings, to: str, subject: str, body: str) -> None:
    """Send one message now; raises ``smtplib.SMTPException`` or ``OSError`` on failure."""
    message = build_message(settings, to, subject, body)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.use_ssl:
        smtp = smtplib.SMTP_SSL(
            settings.server, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.use_tls and not settings.use_ssl:
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)


def send_mail_in_background(
    settings: MailSettings, to: str, subject: str, body: str
) -> threading.Thread:
    """Send one message from a new thread; a failure is logged. Returns the thread."""

    def run() -> None:
        try:
            send_mail(settings, to, subject, body)
        except (smtplib.SMTPException, OSError):
            logger.exception("could not send mail through %s:%s", settings.server, settings.port)

    thread = threading.Thread(target=run, name="quizapp-mail", daemon=True)
    thread.start()
    return thread
