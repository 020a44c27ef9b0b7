"""Stale translations (Kitsune's rule), the l10n dashboard, and translating from it."""

import re

from sqlalchemy import select

from knowledge_base import workflow
from knowledge_base.models import Article, ArticleRevision, Significance
from tests.conftest import csrf_token
from tests.integration.kb_helpers import publish_article

TRANSLATIONS = {"pl": "Wskazówki do routera", "cs": "Tipy k routeru", "ru": "Советы по роутеру"}


def publish_translation(db, source, locale, title, based_on_id):
    article = workflow.create_article(
        db,
        slug=f"{source.slug}-{locale}",
        locale=locale,
        category=source.category,
        translation_key=source.translation_key,
        draft=workflow.Draft(title, f"{title}: text.", [], based_on_id=based_on_id),
        author_id=None,
    )
    workflow.submit_for_review(db, article.revisions[-1])
    workflow.publish(db, article.revisions[-1], None)
    db.commit()
    return article


def source_with_translations(app, db):
    source = publish_article(app, db, body="Place the router high on a shelf.")
    for locale, title in TRANSLATIONS.items():
        publish_translation(db, source, locale, title, source.published_revision_id)
    return source


def edit_and_publish(client_as, slug, body, significance, locale="en"):
    """An agent saves a revision with the chosen significance; an admin approves it."""
    agent = client_as("agent")
    url = f"/staff/kb/{slug}/edit?locale={locale}"
    data = {
        "title": "Router tips",
        "body": body,
        "tags": "router",
        "category": "networking",
        "comment": "change",
        "significance": significance,
        "action": "submit",
        "csrf_token": csrf_token(agent, url),
    }
    if locale != "en":  # the translator keeps the base the editor page gave them
        page = agent.get(url).get_data(as_text=True)
        data["based_on"] = re.search(r'name="based_on" type="hidden" value="(\d*)"', page).group(1)
    assert agent.post(url, data=data).status_code == 302
    return agent


def approve_latest(client_as, db, slug, locale="en"):
    db.expire_all()
    article = db.scalar(select(Article).where(Article.slug == slug, Article.locale == locale))
    revision = article.revisions[-1]
    url = f"/staff/kb/{slug}/review/{revision.id}?locale={locale}"
    admin = client_as("admin")
    response = admin.post(url, data={"decision": "approve", "csrf_token": csrf_token(admin, url)})
    assert response.status_code == 302
    return revision


def outdated_counts(client_as) -> dict[str, int]:
    page = client_as("agent").get("/staff/kb/l10n").get_data(as_text=True)
    rows = re.findall(r'href="#l10n-(\w+)">[^<]*</a></td><td>(\d+)</td><td>(\d+)</td>', page)
    return {locale: int(outdated) for locale, _missing, outdated in rows}


def test_a_major_source_change_flags_its_three_translations_outdated(app, client_as, db):
    source_with_translations(app, db)
    assert outdated_counts(client_as) == {"pl": 0, "cs": 0, "ru": 0}
    edit_and_publish(client_as, "router-tips", "Place the router high, away from the microwave.", "major")
    db.expire_all()
    pending = db.scalar(select(ArticleRevision).order_by(ArticleRevision.id.desc()))
    review_page = client_as("admin").get(f"/staff/kb/router-tips/review/{pending.id}?locale=en")
    assert "major change: translations become outdated" in review_page.get_data(as_text=True)
    revision = approve_latest(client_as, db, "router-tips")
    assert revision.significance == Significance.MAJOR
    assert outdated_counts(client_as) == {"pl": 1, "cs": 1, "ru": 1}
    page = client_as("agent").get("/staff/kb/l10n").get_data(as_text=True)
    assert "/staff/kb/l10n/translate?slug=router-tips&amp;locale=pl" in page


def test_a_minor_source_change_keeps_translations_current(app, client_as, db):
    source_with_translations(app, db)
    edit_and_publish(client_as, "router-tips", "Place the router high on a shelf!", "minor")
    approve_latest(client_as, db, "router-tips")
    assert outdated_counts(client_as) == {"pl": 0, "cs": 0, "ru": 0}


def test_readers_of_an_outdated_translation_see_a_notice_in_their_language(app, client_as, db, users):
    source_with_translations(app, db)
    reader = client_as("customer")
    assert "may be out of date" not in reader.get("/kb/pl/a/router-tips-pl").get_data(as_text=True)
    edit_and_publish(client_as, "router-tips", "Completely new advice.", "major")
    approve_latest(client_as, db, "router-tips")
    page = reader.get("/kb/pl/a/router-tips-pl").get_data(as_text=True)
    assert "This translation may be out of date" in page
    # the link names the English original (whatever the per-language URL scheme looks like)
    assert re.search(r'href="[^"]*/router-tips(\?[^"]*)?" lang="en" hreflang="en"', page)
    users["customer"].locale = "pl"
    db.commit()
    polish = reader.get("/kb/pl/a/router-tips-pl").get_data(as_text=True)
    assert "To tłumaczenie może być nieaktualne" in polish
    original = reader.get("/kb/en/a/router-tips").get_data(as_text=True)
    assert "may be out of date" not in original


def test_updating_an_outdated_translation_shows_the_source_diff_and_clears_the_flag(app, client_as, db):
    source_with_translations(app, db)
    edit_and_publish(client_as, "router-tips", "Place the router high, away from the **microwave**.", "major")
    approve_latest(client_as, db, "router-tips")
    agent = client_as("agent")
    opened = agent.get("/staff/kb/l10n/translate?slug=router-tips&locale=pl")
    assert opened.status_code == 302 and opened.location.endswith("/staff/kb/router-tips-pl/edit?locale=pl")
    editor = agent.get(opened.location).get_data(as_text=True)
    assert 'class="sbs"' in editor
    assert "<strong>microwave</strong>" in editor  # the new source text, rendered
    assert "Place the router high on a shelf." in editor  # the text the translation was based on
    edit_and_publish(client_as, "router-tips-pl", "Ustaw router wysoko, z dala od mikrofalówki.", "", "pl")
    revision = approve_latest(client_as, db, "router-tips-pl", "pl")
    source = db.scalar(select(Article).where(Article.slug == "router-tips", Article.locale == "en"))
    assert revision.based_on_id == source.published_revision_id
    assert outdated_counts(client_as)["pl"] == 0 and outdated_counts(client_as)["cs"] == 1


def test_missing_translations_are_listed_and_translate_opens_a_prefilled_editor(app, client_as, db):
    source = publish_article(app, db, body="Restart the modem.")
    publish_translation(db, source, "pl", "Wskazówki", source.published_revision_id)
    page = client_as("agent").get("/staff/kb/l10n").get_data(as_text=True)
    assert re.search(r'#l10n-cs">[^<]*</a></td><td>1</td>', page)
    assert re.search(r'#l10n-pl">[^<]*</a></td><td>0</td>', page)
    agent = client_as("agent")
    opened = agent.get("/staff/kb/l10n/translate?slug=router-tips&locale=cs")
    assert "/staff/kb/new?translation_of=router-tips&locale=cs" in opened.location
    editor = agent.get(opened.location).get_data(as_text=True)
    assert "Restart the modem." in editor and 'value="router-tips"' in editor
    base = re.search(r'name="based_on" type="hidden" value="(\d+)"', editor).group(1)
    assert int(base) == source.published_revision_id


def test_a_forged_base_from_another_article_is_replaced_by_the_live_source_revision(app, client_as, db):
    source = source_with_translations(app, db)
    other = publish_article(app, db, slug="other", title="Other", key="other")
    agent = client_as("agent")
    url = "/staff/kb/router-tips-pl/edit?locale=pl"
    data = {"title": "T", "body": "B", "category": "", "tags": "", "comment": "", "action": "save"}
    data.update(based_on=str(other.published_revision_id), csrf_token=csrf_token(agent, url))
    assert agent.post(url, data=data).status_code == 302
    db.expire_all()
    saved = db.scalar(select(ArticleRevision).order_by(ArticleRevision.id.desc()))
    assert saved.based_on_id == source.published_revision_id


def test_only_kb_curators_see_the_dashboard(client_as, client):
    assert client_as("agent").get("/staff/kb/l10n").status_code == 200
    assert client_as("admin").get("/staff/kb/l10n").status_code == 200
    assert client_as("customer").get("/staff/kb/l10n").status_code == 403
    assert client_as("marketer").get("/staff/kb/l10n").status_code == 403
    assert client.get("/staff/kb/l10n").status_code == 302  # to the login page
    assert client_as("customer").get("/staff/kb/l10n/translate?slug=x&locale=pl").status_code == 403


def test_unknown_or_source_language_in_translate_is_not_found(app, client_as, db):
    publish_article(app, db)
    agent = client_as("agent")
    assert agent.get("/staff/kb/l10n/translate?slug=router-tips&locale=de").status_code == 404
    assert agent.get("/staff/kb/l10n/translate?slug=router-tips&locale=en").status_code == 404
    assert agent.get("/staff/kb/l10n/translate?slug=nope&locale=pl").status_code == 404
