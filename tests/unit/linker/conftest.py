"""A Linker built once for the linker's unit tests."""

from pathlib import Path

import pytest

from linker import Linker, load_offers

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="session")
def offers():
    return load_offers(DATA / "offers.json")


@pytest.fixture(scope="session")
def linker(offers):
    return Linker(offers)


def linked(result) -> set[str]:
    return {link.offer for link in result.links}


def blocked_reasons(result, offer: str) -> list[str]:
    return [reason for b in result.blocked if b.offer == offer for reason in map(str, b.reasons)]
