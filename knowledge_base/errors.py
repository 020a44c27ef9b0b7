"""The one exception for bad input: a rule was broken, and `field` names the form field to blame."""

from __future__ import annotations


class FieldError(ValueError):
    """Bad input. Views show `message` beside `field` (or at the form's default field)."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field

    def attach_to(self, form: object, default: str) -> None:
        """Append the message to the errors of the blamed field of a WTForms `form`."""
        name = (self.field or default).split(".")[0]
        field = getattr(form, name, None) or getattr(form, default)
        errors = field.errors if isinstance(field.errors, list) else list(field.errors)
        errors.append(str(self.message))
        field.errors = errors
