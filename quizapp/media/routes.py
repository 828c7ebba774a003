"""``/media/<sha256>.<ext>``: a stored image, for signed-in users, with strict headers."""

from __future__ import annotations

from flask import Blueprint, current_app, send_file
from flask.typing import ResponseReturnValue
from flask_login import login_required
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.wrappers import Response

from quizapp.services.errors import NotFound
from quizapp.services.media import stored_media

blueprint = Blueprint("media", __name__)

# The response is an image, never a document: it may load nothing, run nothing, and be
# framed by nobody, even if someone opens it directly.
MEDIA_CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; sandbox"
# The name is the content's hash, so the bytes behind a URL never change. Private: only
# signed-in users may fetch it, so shared caches must not keep it.
MEDIA_CACHE_CONTROL = "private, max-age=31536000, immutable"


@blueprint.errorhandler(NotFound)
def _not_found(error: NotFound) -> ResponseReturnValue:
    return current_app.handle_http_exception(HTTPNotFound(description=str(error)))


@blueprint.get("/media/<name>")
@login_required
def image(name: str) -> Response:
    """The stored image ``name``, typed by what its bytes are (sniffed when stored)."""
    media = stored_media(name)
    response = send_file(media.path, mimetype=media.content_type, conditional=True, etag=True)
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = MEDIA_CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = MEDIA_CACHE_CONTROL
    return response
