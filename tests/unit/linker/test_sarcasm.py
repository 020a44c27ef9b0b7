"""Sarcasm: praise that meets a fault or a letdown in the same sentence blocks; sincere praise links."""

import pytest

from linker import Linker, Policy
from linker.checks import names as check_names
from tests.unit.linker.conftest import blocked_reasons, linked

WITHOUT_SARCASM = Policy(checks=tuple(name for name in check_names() if name != "sarcasm"))


@pytest.mark.parametrize(
    "lang,text,offer",
    [
        (
            "en",
            "Fantastic coffee machine, it leaked all over the counter again this morning.",
            "coffee-machine",
        ),
        ("pl", "No pięknie, router znowu padł w środku nocy, dzięki wielkie.", "router"),
        ("cs", "Paráda, pračka se zase rozbila, díky moc za skvělý servis.", "washing-machine"),
        ("ru", "Отлично, роутер опять сам перезагрузился посреди ночи.", "router"),
    ],
)
def test_praise_meeting_a_failure_reads_as_sarcasm(linker, lang, text, offer):
    result = linker.scan(text, lang=lang)
    assert offer not in linked(result)
    assert any(r.startswith("sarcasm:") for r in blocked_reasons(result, offer))


@pytest.mark.parametrize(
    "lang,text,offer",
    [
        ("en", "A brilliant coffee machine: quiet, quick and easy to descale.", "coffee-machine"),
        ("pl", "Świetny router, szybki i stabilny, polecam do mieszkania.", "router"),
        ("cs", "Skvělá pračka, tichá a úsporná, jsme spokojení.", "washing-machine"),
        ("ru", "Отличный роутер: быстрый, стабильный и простой в настройке.", "router"),
    ],
)
def test_sincere_praise_is_linked(linker, lang, text, offer):
    assert offer in linked(linker.scan(text, lang=lang))


def test_without_the_check_the_sarcastic_sentence_is_not_caught_as_sarcasm(linker, offers):
    text = "Brilliant, the router rebooted itself in the middle of my exam."
    assert any(r.startswith("sarcasm:") for r in blocked_reasons(linker.scan(text, lang="en"), "router"))
    other = Linker(offers, policy=WITHOUT_SARCASM).scan(text, lang="en")
    assert not any(r.startswith("sarcasm:") for r in blocked_reasons(other, "router"))
