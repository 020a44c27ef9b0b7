"""The typed check API: one registry, reasons as data, a check module importable on its own."""

import pkgutil
import subprocess
import sys

import pytest

import linker.checks
from linker import Linker, Policy, Reason
from linker.checks import load_all, names, register
from linker.reasons import reason_key, stored_reason, text_of


def test_every_check_module_registers_and_the_default_policy_runs_them_all():
    modules = {m.name for m in pkgutil.iter_modules(linker.checks.__path__)}
    registered = {check.function.__module__.rsplit(".", 1)[1] for check in load_all().values()}
    assert registered == modules
    built = Linker([], Policy())
    assert [c.name for scope in built.checks.values() for c in scope] == list(names())


def test_checks_run_cheapest_scope_first():
    scopes = [check.scope for check in load_all().values()]
    assert scopes == sorted(scopes, key=("paragraph", "candidate", "sentence").index)


def test_an_unknown_check_name_is_refused():
    with pytest.raises(ValueError, match="unknown checks"):
        Policy(checks=("no_such_check",))


def test_a_check_module_imports_without_the_core_first():
    """No core <-> checks cycle: a check module can be the first linker module imported."""
    code = "import linker.checks.negation, linker.scan_context; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_reasons_are_data_with_the_words_that_decided(linker):
    result = linker.scan("A storm flooded the street and vandals broke the washing machine.", lang="en")
    reasons = [r for b in result.blocked for r in b.reasons]
    sensitive = [r for r in reasons if r.code == "sensitive"]
    assert sensitive and sensitive[0].kind == "accident_disaster" and "storm" in sensitive[0].words
    assert sensitive[0].check == "sensitive_topic"
    assert result.to_dict()["blocked"][0]["evidence"][0]["code"] == reasons[0].code


def test_a_reason_survives_its_stored_form():
    reason = Reason("negation", "rejects", ("do not … need",), {"n": 1}, "negation", "negation:rejects (x)")
    again = stored_reason(reason.to_dict())
    assert again == reason and again.params == {"n": 1} and reason_key(reason.to_dict()) == "negation:rejects"
    assert stored_reason("sensitive:abuse (word)").kind == "abuse"  # suggestions stored as strings
    assert text_of({"code": "x", "text": "x:y (z)"}) == "x:y (z)"


def test_a_check_returning_code_strings_still_works():
    """The pre-Reason form of a check (plain "family:detail" strings) is wrapped, not lost."""

    @register("legacy_probe", scope="candidate")
    def probe(candidate, ctx):
        return ["legacy:probe (word)"]

    try:
        load_all.cache_clear()
        offers = [{"id": "r", "url": "https://x.example/r", "phrases": {"en": ["router"]}}]
        result = Linker(offers, Policy(checks=("legacy_probe",))).scan("Restart the router.", lang="en")
        (reason,) = result.blocked[0].reasons
        assert (reason.code, reason.kind, reason.check, str(reason)) == (
            "legacy",
            "probe",
            "legacy_probe",
            "legacy:probe (word)",
        )
    finally:
        linker.checks._REGISTRY.pop("legacy_probe", None)
        load_all.cache_clear()
