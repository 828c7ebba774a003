"""The mail settings read from an app's config: defaults, and what is missing."""

from __future__ import annotations

import pytest

from quizapp.config import DefaultConfig
from quizapp.mail import MailNotConfigured, MailSettings, build_message, mail_configured

DEFAULTS = {name: getattr(DefaultConfig, name) for name in dir(DefaultConfig) if name.isupper()}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"MAIL_SERVER": "smtp.example.org", "MAIL_SENDER": "quiz@example.org"},
            MailSettings("smtp.example.org", 587, None, None, True, False, "quiz@example.org", 10),
        ),
        (
            {"MAIL_SERVER": "smtp.example.org", "MAIL_USERNAME": "me@example.org"},
            MailSettings(
                "smtp.example.org", 587, "me@example.org", None, True, False, "me@example.org", 10
            ),
        ),
        (
            {
                "MAIL_SERVER": "mail.example.org",
                "MAIL_PORT": 465,
                "MAIL_USE_SSL": True,
                "MAIL_USERNAME": "me",
                "MAIL_PASSWORD": "pw",
                "MAIL_SENDER": "QuizApp <quiz@example.org>",
                "MAIL_TIMEOUT": 3,
            },
            MailSettings(
                "mail.example.org", 465, "me", "pw", True, True, "QuizApp <quiz@example.org>", 3
            ),
        ),
    ],
)
def test_settings_from_the_config(overrides: dict[str, object], expected: MailSettings) -> None:
    config = {**DEFAULTS, **overrides}
    assert mail_configured(config)
    assert MailSettings.from_config(config) == expected


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({}, "MAIL_SERVER is not set"),
        ({"MAIL_SERVER": ""}, "MAIL_SERVER is not set"),
        ({"MAIL_SERVER": "smtp.example.org"}, "set MAIL_SENDER"),
    ],
)
def test_missing_settings_are_named(overrides: dict[str, object], problem: str) -> None:
    with pytest.raises(MailNotConfigured, match=problem):
        MailSettings.from_config({**DEFAULTS, **overrides})


def test_a_plain_text_message_from_the_sender() -> None:
    settings = MailSettings(
        "smtp", 25, None, None, False, False, "QuizApp <quiz@school.example>", 5
    )
    message = build_message(settings, "ada@example.com", "Hello", "Body text\n")
    assert (message["From"], message["To"], message["Subject"]) == (
        "QuizApp <quiz@school.example>",
        "ada@example.com",
        "Hello",
    )
    assert message.get_content_type() == "text/plain"
    assert message["Message-ID"].endswith("@school.example>")
    assert message.get_content() == "Body text\n"
