"""Errors of the request workflow; views turn them into form errors or 4xx pages."""

from __future__ import annotations


class RequestError(ValueError):
    """A request rule was broken; `field` names the form field to blame, if any."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


class TransitionError(RequestError):
    """The status change is not an allowed transition."""


class ConflictError(RequestError):
    """Someone else changed the request since the form was loaded."""

    def __init__(self, message: object, changes: list) -> None:
        super().__init__(message)
        self.changes = changes
