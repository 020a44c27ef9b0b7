"""Language groups: an article joins another's group only when chosen; one version per language."""

import pytest
from sqlalchemy import select

from knowledge_base import workflow
from knowledge_base.errors import FieldError
from knowledge_base.models import Article
from portal.kb import addresses
from portal.models import RequestStatus
from tests.integration.kb_helpers import publish_article
from tests.integration.requests_helpers import make_request
from tests.integration.test_kb_curation import new_article
from tests.integration.test_kb_request_drafts import turn_into_draft


def create(db, slug, locale, key=None):
    return workflow.create_article(
        db,
        slug=slug,
        locale=locale,
        category=None,
        translation_key=key,
        draft=workflow.Draft(slug.title(), "Text.", []),
        author_id=None,
    )


def test_an_article_without_a_chosen_translation_starts_its_own_group(app, db):
    english = publish_article(app, db, slug="router", title="Router")
    polish = publish_article(app, db, slug="router", locale="pl", title="Router po polsku")
    assert polish.translation_key != english.translation_key
    assert [v.locale for v in addresses.published_versions(db, english)] == ["en"]
    czech = create(db, "router", "cs")
    assert len({english.translation_key, polish.translation_key, czech.translation_key}) == 3


def test_a_group_takes_one_version_per_language(app, db):
    english = publish_article(app, db, slug="router", title="Router")
    create(db, "router-pl", "pl", key=english.translation_key)
    with pytest.raises(FieldError) as refused:
        create(db, "inny-router", "pl", key=english.translation_key)
    assert refused.value.field == "translation_of"
    with pytest.raises(FieldError):
        create(db, "router-again", "en", key=english.translation_key)  # English is taken too


def test_the_editor_refuses_a_second_version_in_a_language_and_keeps_the_input(app, db, client_as):
    english = publish_article(app, db, slug="router", title="Router")
    create(db, "router-pl", "pl", key=english.translation_key)
    db.commit()
    answer = new_article(
        client_as("agent"), slug="drugi-router", locale="pl", translation_of="router", title="Drugi router"
    )
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "already has a version in this language" in page and 'id="translation_of-error"' in page
    assert 'value="Drugi router"' in page and 'value="drugi-router"' in page
    assert db.scalar(select(Article).where(Article.slug == "drugi-router")) is None


def test_a_draft_from_a_request_does_not_join_an_article_with_the_same_slug(app, db, client_as, users):
    req = make_request(app, db, users["customer"], subject="Router")
    req.description, req.status = "The router blinks red after the storm.", RequestStatus.RESOLVED
    db.commit()
    polish = publish_article(app, db, slug="router", locale="pl", title="Router")
    users["customer"].locale = "en"
    db.commit()
    assert turn_into_draft(client_as("agent"), req.reference).status_code == 302
    draft = db.scalar(select(Article).where(Article.source_request_id == req.id))
    assert draft.slug == "router" and draft.locale == "en"
    assert draft.translation_key != polish.translation_key
