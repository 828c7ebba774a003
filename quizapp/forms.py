"""Forms shared by every blueprint."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A POST-only button (log out, publish, remove...): just the CSRF token."""
