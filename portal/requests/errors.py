"""Errors of the request workflow that carry more than a message; the rest raise FieldError."""

from __future__ import annotations

from knowledge_base.errors import FieldError


class TransitionError(FieldError):
    """The status change is not an allowed transition (tests and callers tell it apart)."""


class ConflictError(FieldError):
    """Someone else changed the request since the form was loaded; `changes` lists what they did."""

    def __init__(self, message: object, changes: list) -> None:
        super().__init__(message)
        self.changes = changes
