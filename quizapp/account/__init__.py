"""Everyone's own account: name, email, password and signed-in browsers."""
