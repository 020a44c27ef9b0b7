"""The PostgreSQL backend's per-field term weights (BM25F-like, as Whoosh's)."""

import pytest

from knowledge_base.search.postgres import BOOSTS, _idf, field_weights


def test_each_field_has_its_own_idf_and_boost():
    # two terms; per term the documents having it in the title, tags/category and body
    title, tags, body = field_weights([1.0, 0.5], 100, [1, 0, 100, 50, 50, 50])
    assert title[0] == pytest.approx(BOOSTS[0] * _idf(100, 1))
    assert body[0] == pytest.approx(BOOSTS[2] * _idf(100, 100))
    assert title[0] > 10 * body[0]  # in one title, in every body
    # same frequency in every field: the boosts order the fields, the plan weight scales them
    assert title[1] > tags[1] > body[1]
    assert title[1] == pytest.approx(0.5 * BOOSTS[0] * _idf(100, 50))


def test_boosts_favour_the_title_then_tags_then_body():
    assert BOOSTS[0] > BOOSTS[1] > BOOSTS[2] == 1.0
