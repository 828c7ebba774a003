"""The rate limiter, apart from the database extensions so that views may decorate with it.

Storage comes from RATELIMIT_STORAGE_URI (memory:// by default; redis:// or memcached://
when several servers must share counts). ``quizapp.extensions`` binds it to the app.
"""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)
