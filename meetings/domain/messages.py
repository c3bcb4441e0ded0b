"""Marking user-facing messages in pure code, which must not import Flask-Babel."""


def N_(message: str) -> str:
    """Mark ``message`` for the catalog (pybabel's default keyword); callers translate it later."""
    return message


class Problem:
    """Mixin for error records that carry a message id and its ``params`` (a dataclass's fields)."""

    message: str
    params: dict

    @property
    def text(self) -> str:
        """The message with its values filled in (untranslated)."""
        return self.message % self.params if self.params else self.message
