"""check_may_approve on its own: publish() refuses what the view's access check would also refuse."""

import pytest

from knowledge_base.errors import FieldError
from knowledge_base.models import ArticleRevision, RevisionState
from knowledge_base.workflow import check_may_approve


def in_review(author_id: int | None = 7) -> ArticleRevision:
    return ArticleRevision(title="t", body_md="b", author_id=author_id, state=RevisionState.IN_REVIEW)


def test_four_eyes_refuses_the_author():
    with pytest.raises(FieldError):
        check_may_approve(in_review(), 7, four_eyes=True)


def test_four_eyes_lets_another_reviewer_approve():
    check_may_approve(in_review(), 8, four_eyes=True)


def test_without_four_eyes_the_author_may_approve():
    check_may_approve(in_review(), 7, four_eyes=False)


@pytest.mark.parametrize("state", [RevisionState.DRAFT, RevisionState.SENT_BACK, RevisionState.PUBLISHED])
def test_only_a_revision_in_review_can_be_approved(state):
    revision = in_review()
    revision.state = state
    with pytest.raises(FieldError):
        check_may_approve(revision, 8, four_eyes=False)
