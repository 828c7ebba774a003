"""The opaque values an attempt's question pages submit, in place of bank indices.

The key of an attempt is an HMAC of the attempt (its id and stored seed) under the app's
secret key, so tokens cannot be worked out in the browser, stay the same for the same
attempt (a reload, two tabs, an answer saved and shown again), and differ between
attempts and between questions of one attempt.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

from quizapp.domain.question_types import Question
from quizapp.domain.question_types.answer_fields import AnswerTokens, answer_tokens


def attempt_key(attempt_id: int, seed: int) -> bytes:
    """The secret the tokens of one attempt are derived from (never sent to a browser)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"attempt:{attempt_id}:{seed}".encode(), hashlib.sha256).digest()


def tokens_for(key: bytes, position: int, question: Question) -> AnswerTokens:
    """The tokens of the parts (choices, match targets, items) of one attempt question,
    from the attempt's ``attempt_key``."""
    return answer_tokens(key, position, question.shuffled_count())
