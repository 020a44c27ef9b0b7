"""The linker's error catalogue: every error says what is wrong and where."""

from __future__ import annotations


class LinkerError(Exception):
    """Base class for linker errors."""


class OfferError(LinkerError):
    """An offer definition is invalid; names the offer and the field."""

    def __init__(self, offer_id: str, field: str, problem: str) -> None:
        self.offer_id, self.field, self.problem = offer_id, field, problem
        super().__init__(f"offer {offer_id!r}, field {field!r}: {problem}")


class OffersFileError(LinkerError):
    """The offers file cannot be read or is not a list of offers."""


class InputError(LinkerError):
    """One input document is malformed (the scan of the others goes on)."""


class UnsupportedLanguage(LinkerError):
    """The language has no pipeline."""
