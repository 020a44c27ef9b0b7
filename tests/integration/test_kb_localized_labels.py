"""Staff KB pages and the webhook log show words, names and times in the reader's language."""

import re
from datetime import UTC, datetime

from sqlalchemy import select

from knowledge_base.models import Article, ArticleFeedback, Category
from portal.models import WebhookDelivery
from tests.integration.kb_helpers import publish_article
from tests.integration.test_kb_review import latest_revision, save_edit
from tests.integration.webhook_helpers import subscribe


def polish(users, db, role):
    users[role].locale = "pl"
    db.commit()


def test_comment_times_use_the_readers_date_format(app, db, client_as, users):
    article = publish_article(app, db)
    moment = datetime(2026, 3, 5, 14, 7, tzinfo=UTC)
    db.add(
        ArticleFeedback(article_id=article.id, voter="s:1", helpful=False, comment="wrong", created_at=moment)
    )
    polish(users, db, "agent")
    page = client_as("agent").get(f"/staff/kb/feedback/{article.id}").get_data(as_text=True)
    assert "2026-03-05 14:07" not in page
    shown = re.search(r'<time datetime="2026-03-05T14:07[^"]*">([^<]+)</time>', page).group(1)
    assert shown == "5.03.2026, 14:07 UTC"  # Polish day order, and the time says its zone


def test_review_page_and_editor_name_the_category_in_the_readers_language(app, db, client_as, users):
    washing = Category(slug="washing", name="Washing machines", names={"pl": "Pralki"})
    db.add(washing)
    db.commit()
    publish_article(app, db, category=washing)
    polish(users, db, "agent")
    agent = client_as("agent")
    editor = agent.get("/staff/kb/router-tips/edit?locale=en").get_data(as_text=True)
    assert re.search(r'<option[^>]*value="washing"[^>]*>Pralki</option>', editor)
    assert ">Washing machines</option>" not in editor
    save_edit(agent, body="New text.")
    revision = latest_revision(db, db.scalar(select(Article.id)))
    polish(users, db, "admin")
    page = (
        client_as("admin").get(f"/staff/kb/router-tips/review/{revision.id}?locale=en").get_data(as_text=True)
    )
    assert "Pralki" in page and "Washing machines" not in page


def test_staff_lists_name_languages_instead_of_codes(app, db, client_as, users):
    article = publish_article(app, db, slug="kabel", locale="pl", title="Kabel", key="kabel")
    db.add(ArticleFeedback(article_id=article.id, voter="s:1", helpful=False, comment="zle"))
    db.commit()
    agent = client_as("agent")
    assert "<td>Polski</td>" in agent.get("/staff/kb").get_data(as_text=True)
    needs_update = agent.get("/staff/kb/feedback").get_data(as_text=True)
    assert "<td>Polski</td>" in needs_update and "<td>pl</td>" not in needs_update


def test_webhook_delivery_states_are_translated(app, db, client_as, users):
    subscription = subscribe(db, "https://hooks.example/x")
    for status in ("pending", "delivered", "failed"):
        db.add(
            WebhookDelivery(
                subscription_id=subscription.id,
                event="request.created",
                event_id=f"e-{status}",
                status=status,
            )
        )
    db.commit()
    polish(users, db, "admin")
    page = client_as("admin").get(f"/admin/webhooks/{subscription.id}").get_data(as_text=True)
    for word in (
        "<td>Dostarczono",
        "<td>Nie udało się wysłać",
        "<td>Czeka na wysłanie",
        ">Dostarczono</option>",
    ):
        assert word in page, word
    for raw in ("<td>pending", "<td>delivered", "<td>failed", ">pending</option>", ">failed</option>"):
        assert raw not in page, raw
