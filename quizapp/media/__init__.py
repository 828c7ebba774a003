"""Serving stored images (the files question text shows with ``media:`` links)."""
