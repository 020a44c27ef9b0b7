"""What the offer's phrases will match, shown on the offer edit page (linker.phrase_report)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from linker import PhraseWarning, phrase_report
from linker.lemmas import SUPPORTED_LANGUAGES
from portal.marketing.offers import parse_language_lines

MAX_PHRASES = 40  # a longer list is checked in part (each report expands every form)


@dataclass(frozen=True)
class PhraseCheck:
    lang: str
    phrase: str
    forms: tuple[str, ...]
    more: int  # forms not shown
    warnings: tuple[str, ...]


def warning_text(warning: PhraseWarning) -> str:
    """A linker warning in the reader's language."""
    if warning.kind == "lemma_differs":
        return _(
            "“%(word)s” is read as “%(lemma)s”: every form of “%(lemma)s” will match.",
            word=warning.word,
            lemma=warning.lemma,
        )
    if warning.kind == "ambiguous":
        return _(
            "“%(word)s” is also a form of %(others)s.", word=warning.word, others=", ".join(warning.others)
        )
    return _(
        "“%(word)s” is not in the dictionary: only it and guessed endings will match.", word=warning.word
    )


def phrase_checks(text: str | None) -> list[PhraseCheck]:
    """Reports of the phrases in the form's 'lang: phrase, phrase' lines; lines the form
    rejects are left to the form's own validation."""
    try:
        by_language = parse_language_lines(text or "", "phrases")
    except ValueError:
        return []
    checks = []
    for lang, phrases in by_language.items():
        if lang not in SUPPORTED_LANGUAGES:
            continue
        for phrase in phrases[:MAX_PHRASES]:
            report = phrase_report(lang, phrase)
            warnings = tuple(warning_text(w) for w in report.warnings)
            checks.append(
                PhraseCheck(lang, phrase, report.forms, report.form_count - len(report.forms), warnings)
            )
    return checks
