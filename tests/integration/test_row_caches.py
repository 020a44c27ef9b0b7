"""Logged-in users and published articles are cached per worker, and a change to them reaches
every worker at its next request: two apps on one database stand for two gunicorn workers
(same instance folder, or the same Redis)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import update

from knowledge_base.models import Article, ArticleStatus
from portal import cache_events
from portal.admin import services as admin_services
from portal.cache import shared_generation
from portal.models import Role, User
from tests.conftest import AuthActions
from tests.integration.kb_helpers import publish_article
from tests.integration.marketing_helpers import article_with_suggestions
from tests.integration.perf_helpers import counting_queries, discard_pending
from tests.integration.test_marketing import approve
from tests.integration.worker_helpers import another_worker, on_other_worker, share_redis


@pytest.fixture(params=["memory", "redis"])
def workers(request, app):
    """This app and another worker, sharing in-process caches' generations through the instance
    folder, or one Redis."""
    with another_worker(app) as other:
        if request.param == "redis":
            share_redis(app, other)
        yield app, other


def _live_entries(entries) -> dict:
    """The unexpired entries of a worker's row cache (the app lives for the whole test session,
    so it also holds expired entries of earlier tests)."""
    found = {key: entries.get(key) for key in list(entries._items)}
    return {key: values for key, values in found.items() if values is not None}


def _users_read(app, client, path: str = "/requests") -> tuple[int, int]:
    """(status of `path`, SELECTs of the users table it made)."""
    with counting_queries(app) as seen:
        status = client.get(path).status_code
    return status, sum(s.startswith("SELECT users.") for s in seen.statements)


def test_a_warm_page_reads_no_user_row_and_a_login_retires_nothing(app, client_as, users):
    customer = client_as("customer")
    assert _users_read(app, customer) == (200, 1)
    assert _users_read(app, customer) == (200, 0)
    client_as("customer2")  # a login writes only the login time
    assert _users_read(app, customer) == (200, 0)
    app.config["USER_CACHE_SECONDS"] = 0  # off: every request loads the user
    assert _users_read(app, customer) == (200, 1)


def test_deactivating_a_user_logs_them_out_on_every_worker_at_once(workers, db, client_as, users):
    app, other = workers
    customer = client_as("customer")
    elsewhere = on_other_worker(customer, other)
    assert _users_read(app, customer) == (200, 1) and _users_read(other, elsewhere) == (200, 1)
    assert _users_read(app, customer) == (200, 0) and _users_read(other, elsewhere) == (200, 0)
    admin = db.get(User, users["admin"].id)
    admin_services.set_active(db, admin, db.get(User, users["customer"].id), False)
    db.commit()
    assert elsewhere.get("/requests").status_code == 302  # to the login page
    assert customer.get("/requests").status_code == 302


def test_consent_and_name_reach_the_other_worker_at_once(workers, db, client_as, users):
    """Changes that keep the session (no new security stamp) are seen at the next request too."""
    app, other = workers
    _article, suggestions = article_with_suggestions(app, db)
    approve(client_as("marketer"), suggestions["washing-machine"])
    customer = client_as("customer")
    elsewhere = on_other_worker(customer, other)
    for _ in range(2):  # the second page comes from the caches
        page = elsewhere.get("/kb/en/a/care").get_data(as_text=True)
        assert 'href="/go/' in page and ">Customer<" in page
    reader = db.get(User, users["customer"].id)
    reader.marketing_consent = False
    reader.name = "Renamed Customer"
    db.commit()
    page = elsewhere.get("/kb/en/a/care").get_data(as_text=True)
    assert "/go/" not in page and "Renamed Customer" in page


def test_a_new_password_ends_the_sessions_on_the_other_worker(workers, db, client_as, users):
    """The password is changed on a cached user (its hash loads when first read) and saved; the
    new security stamp ends the session the other worker holds, not this one."""
    from tests.conftest import TEST_PASSWORD, csrf_token

    app, other = workers
    customer = client_as("customer")
    second_browser = app.test_client()
    assert AuthActions(second_browser).login("customer@example.com").status_code == 302
    elsewhere = on_other_worker(second_browser, other)
    assert elsewhere.get("/requests").status_code == 200
    customer.get("/requests")
    assert _users_read(app, customer) == (200, 0)
    answer = customer.post(
        "/account",
        data={
            "csrf_token": csrf_token(customer, "/account"),
            "pw-current_password": TEST_PASSWORD,
            "pw-password": "another-long-passphrase-42",
            "pw-password_confirm": "another-long-passphrase-42",
        },
    )
    assert answer.status_code == 302
    db.expire_all()
    assert db.get(User, users["customer"].id).password_hash.startswith("$argon2")
    assert elsewhere.get("/requests").status_code == 302
    assert customer.get("/requests").status_code == 200


def test_a_role_change_ends_the_session_on_the_other_worker(workers, db, client_as, users):
    app, other = workers
    elsewhere = on_other_worker(client_as("agent"), other)
    assert elsewhere.get("/staff/requests").status_code == 200
    admin = db.get(User, users["admin"].id)
    admin_services.change_role(db, admin, db.get(User, users["agent"].id), Role.CUSTOMER)
    db.commit()
    assert elsewhere.get("/staff/requests").status_code == 302


def test_a_bulk_update_of_users_reaches_the_other_worker(workers, db, client_as, users):
    app, other = workers
    customer = client_as("customer")
    elsewhere = on_other_worker(customer, other)
    assert elsewhere.get("/requests").status_code == 200
    db.execute(update(User).where(User.id == users["customer"].id).values(is_active=False))
    db.commit()
    assert elsewhere.get("/requests").status_code == 302


def test_a_rolled_back_change_keeps_the_cache(app, db, client_as, users):
    customer = client_as("customer")
    customer.get("/requests")
    db.get(User, users["customer"].id).name = "Not kept"
    db.flush()
    db.rollback()
    assert _users_read(app, customer) == (200, 0)


def test_a_cached_user_is_changed_and_saved_like_a_loaded_one(app, db, client_as, users):
    from tests.conftest import csrf_token

    customer = client_as("customer")
    customer.get("/requests")
    assert _users_read(app, customer, "/account") == (200, 0)
    answer = customer.post(
        "/account",
        data={
            "csrf_token": csrf_token(customer, "/account"),
            "account-name": "Cached Customer",
            "account-locale": "en",
            "account-timezone": "",
        },
    )
    assert answer.status_code == 302
    db.expire_all()
    saved = db.get(User, users["customer"].id)
    assert saved.name == "Cached Customer" and not saved.marketing_consent
    assert "Cached Customer" in customer.get("/requests").get_data(as_text=True)


def test_the_password_hash_is_never_cached(app, client_as, users):
    client_as("customer").get("/requests")
    entries = app.extensions["identity_cache"]
    cached = _live_entries(entries)
    assert cached and all("password_hash" not in values for values in cached.values())
    assert all(values["email"] for values in cached.values())


def test_a_cached_user_the_cookie_disagrees_with_is_read_again(app, client_as, users):
    """The cache only saves a query: an entry that would refuse the session is checked in the
    database (a row replaced without a bump, ids reused) before anyone is logged out."""
    customer = client_as("customer")
    customer.get("/requests")
    entries = app.extensions["identity_cache"]
    for key, values in _live_entries(entries).items():
        entries.set(key, {**values, "security_stamp": "stale", "is_active": False})
    assert _users_read(app, customer) == (200, 1)


def test_a_lost_bump_is_logged(app, db, users, caplog, monkeypatch):
    monkeypatch.setattr(cache_events, "bump_shared_generation", lambda *_args: False)
    with caplog.at_level(logging.ERROR, logger="portal.cache_events"):
        db.get(User, users["customer"].id).name = "Someone"
        db.commit()
    assert "'users' could not be bumped" in caplog.text


# Published articles by address ----------------------------------------------------------------


def _articles_read(app, client, path: str = "/kb/en/a/router-tips") -> tuple[int, int]:
    """(status of `path`, SELECTs of the articles table it made)."""
    with counting_queries(app) as seen:
        status = client.get(path).status_code
    return status, sum(s.startswith("SELECT articles.") for s in seen.statements)


def test_a_warm_article_page_reads_no_article_row_and_counting_views_retires_nothing(app, client, db):
    publish_article(app, db)
    client.get("/kb/en/a/router-tips")
    assert _articles_read(app, client) == (200, 0)
    with app.app_context():
        before = shared_generation(cache_events.ARTICLES)
    app.config["VIEW_FLUSH_SECONDS"] = 0  # every view written at once (a counters-only UPDATE)
    discard_pending(app, "kb_view_counts")
    try:
        assert _articles_read(app, client) == (200, 0)
    finally:
        discard_pending(app, "kb_view_counts")
    with app.app_context():
        assert shared_generation(cache_events.ARTICLES) == before


def test_archiving_and_publishing_reach_the_other_worker_at_once(workers, db):
    from knowledge_base import workflow
    from tests.integration.marketing_helpers import new_revision

    app, other = workers
    article = publish_article(app, db)
    reader = other.test_client()
    for _ in range(2):  # the second page comes from the other worker's caches
        assert "high on a shelf" in reader.get("/kb/en/a/router-tips").get_data(as_text=True)
    assert _articles_read(other, reader) == (200, 0)
    new_revision(app, db, article, "Put the router in the middle of the flat.")
    page = reader.get("/kb/en/a/router-tips").get_data(as_text=True)
    assert "middle of the flat" in page and "high on a shelf" not in page
    workflow.archive(db, db.get(Article, article.id))
    db.commit()
    assert reader.get("/kb/en/a/router-tips").status_code == 404


def test_a_bulk_update_of_articles_reaches_the_other_worker(workers, db):
    app, other = workers
    publish_article(app, db)
    reader = other.test_client()
    assert reader.get("/kb/en/a/router-tips").status_code == 200
    db.execute(update(Article).where(Article.slug == "router-tips").values(status=ArticleStatus.ARCHIVED))
    db.commit()
    assert reader.get("/kb/en/a/router-tips").status_code == 404


def test_a_user_the_session_already_holds_is_not_cached(app, users):
    """A copy in the request's session may hold unsaved changes: it is used, never kept for
    other requests (a rollback would otherwise leave them in the cache)."""
    from portal import identity_cache
    from portal.db import get_session

    user_id = users["customer"].id
    with app.test_request_context():
        session = get_session()
        held = session.get(User, user_id)
        held.name = "Not Saved"
        assert identity_cache.load(session, user_id, lambda user: True) is held
        session.rollback()
    with app.test_request_context():
        assert identity_cache.load(get_session(), user_id, lambda user: True).name != "Not Saved"
