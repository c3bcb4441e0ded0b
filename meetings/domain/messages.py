"""Marking user-facing messages in pure code, which must not import Flask-Babel."""
from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class FieldProblem(Problem):
    """A problem with one named field of a form or rule: a message id and its values."""

    field: str
    message: str
    params: dict = field(default_factory=dict, compare=False)
