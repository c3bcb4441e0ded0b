"""Marking user-facing messages in pure code, which must not import Flask-Babel."""


def N_(message: str) -> str:
    """Mark ``message`` for the catalog (pybabel's default keyword); callers translate it later."""
    return message
