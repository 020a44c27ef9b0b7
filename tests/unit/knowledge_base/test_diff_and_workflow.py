"""The review diff does bounded work; publishing rules (in review only, four eyes) hold without a browser."""

import difflib
import random

import pytest

from knowledge_base.errors import FieldError
from knowledge_base.models import Article, ArticleRevision, RevisionState
from knowledge_base.workflow import (
    MAX_BODY_BYTES,
    MAX_DIFF_WORK,
    Draft,
    _check,
    check_may_approve,
    diff_lines,
)


class Budget(Exception):
    """Raised by the counting matcher when a diff does more work than a test allows."""


MAX_OPS = 50_000


@pytest.fixture
def matcher_work(monkeypatch):
    """Count difflib's work: matcher calls (`ops`: every compare, ratio and sequence set-up, as
    ndiff's intraline "fancy replace" makes per pair of lines) and lines of `a` scanned by
    find_longest_match (`scanned`). Past MAX_OPS or 4 x MAX_DIFF_WORK it raises Budget, so an
    unbounded diff fails fast instead of hanging the test.
    """
    work = {"calls": 0, "scanned": 0, "ops": 0}
    cls = difflib.SequenceMatcher

    def spend(ops: int = 1, scanned: int = 0) -> None:
        work["ops"] += ops
        work["scanned"] += scanned
        if work["ops"] > MAX_OPS or work["scanned"] > 4 * MAX_DIFF_WORK:
            raise Budget(work)

    def counted(name):
        original = getattr(cls, name)

        def wrapper(self, *args, **kwargs):
            spend()
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, wrapper)

    for name in ("set_seq1", "set_seq2", "ratio", "quick_ratio", "real_quick_ratio"):
        counted(name)
    original_find = cls.find_longest_match

    def find(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        work["calls"] += 1
        spend(scanned=max(0, ahi - alo))
        return original_find(self, alo, ahi, blo, bhi)

    monkeypatch.setattr(cls, "find_longest_match", find)
    return work


def one_char_edits(lines: int = 400, width: int = 70) -> tuple[str, str]:
    """The pathological case for ndiff: every line changed by one character."""
    old = [f"{i:04d} " + "lorem ipsum dolor sit amet " * (width // 27) for i in range(lines)]
    new = [line[:-3] + "X" + line[-2:] for line in old]
    return "\n".join(old), "\n".join(new)


def test_four_hundred_one_character_edits_diff_completely_with_little_work(matcher_work):
    old, new = one_char_edits()
    result = diff_lines(old, new)
    assert not result.too_large
    kinds = [kind for kind, _ in result.lines]
    assert kinds.count("-") == 400 and kinds.count("+") == 400
    assert ("-", old.splitlines()[7]) in result.lines and ("+", new.splitlines()[7]) in result.lines
    assert matcher_work["scanned"] <= 400 * 2  # line-level: a handful of passes, not pairs of lines
    assert matcher_work["ops"] <= 10


def test_a_change_beyond_the_budget_is_too_large_to_compare_and_costs_nothing(matcher_work):
    lines = [f"line {i} of many" for i in range(int(MAX_DIFF_WORK**0.5) + 2)]
    swapped = [lines[i ^ 1] for i in range(len(lines))]  # the worst shape for difflib's matcher
    result = diff_lines("\n".join(lines), "\n".join(swapped))
    assert result.too_large and result.lines == [] and result.work > MAX_DIFF_WORK
    assert matcher_work["calls"] == 0


def test_worst_shape_within_the_budget_completes_within_the_budget(matcher_work):
    lines = [f"line {i} of many" for i in range(int(MAX_DIFF_WORK**0.5) - 2)]
    swapped = [lines[i ^ 1] for i in range(len(lines))]
    result = diff_lines("\n".join(lines), "\n".join(swapped))
    assert not result.too_large and result.work <= MAX_DIFF_WORK
    assert matcher_work["scanned"] <= MAX_DIFF_WORK


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_largest_accepted_articles_answer_within_the_budget(matcher_work, seed):
    rng = random.Random(seed)
    lines = [f"{rng.randrange(10**6)}" for _ in range(MAX_BODY_BYTES // 8)]
    old = "\n".join(lines)[: MAX_BODY_BYTES - 10]
    new = "\n".join(rng.sample(lines, len(lines)))[: MAX_BODY_BYTES - 10]
    _check(Draft("t", new, []))  # the editor accepts both texts
    result = diff_lines(old, new)
    assert result.too_large or matcher_work["scanned"] <= MAX_DIFF_WORK


def test_common_head_and_tail_are_kept_in_order():
    old = "intro\nold middle\noutro"
    new = "intro\nnew middle\nmore\noutro"
    assert diff_lines(old, new).lines == [
        (" ", "intro"),
        ("-", "old middle"),
        ("+", "new middle"),
        ("+", "more"),
        (" ", "outro"),
    ]
    assert diff_lines("", "a\nb").lines == [("+", "a"), ("+", "b")]


def test_the_body_limit_is_200_kb_of_utf8_not_characters():
    _check(Draft("t", "a" * MAX_BODY_BYTES, []))
    with pytest.raises(FieldError) as raised:
        _check(Draft("t", "ž" * (MAX_BODY_BYTES // 2 + 1), []))  # under 200,000 characters
    assert raised.value.field == "body" and "200 KB" in str(raised.value.message)


def revision(state: RevisionState, author_id: int | None = 7) -> ArticleRevision:
    return ArticleRevision(article=Article(slug="a", locale="en"), state=state, author_id=author_id)


@pytest.mark.parametrize(
    "state", [RevisionState.DRAFT, RevisionState.SENT_BACK, RevisionState.PUBLISHED, RevisionState.SUPERSEDED]
)
def test_only_a_revision_in_review_can_be_approved(state):
    with pytest.raises(FieldError):
        check_may_approve(revision(state), reviewer_id=1, four_eyes=False)
    check_may_approve(revision(RevisionState.IN_REVIEW), reviewer_id=1, four_eyes=False)


def test_four_eyes_stops_authors_approving_their_own_revision():
    own = revision(RevisionState.IN_REVIEW, author_id=7)
    check_may_approve(own, reviewer_id=7, four_eyes=False)
    with pytest.raises(FieldError):
        check_may_approve(own, reviewer_id=7, four_eyes=True)
    check_may_approve(own, reviewer_id=8, four_eyes=True)
