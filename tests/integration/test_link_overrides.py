"""Marketers' overrides of blocked link suggestions: service, views, rescans, statistics, export."""

import csv
import io
from datetime import timedelta

from sqlalchemy import func, select

from knowledge_base.db import utcnow
from portal import access
from portal.marketing import overrides
from portal.models import AuditLog, BlockTerm, LinkBlockReason, LinkOverride, LinkSuggestion, SuggestionState
from tests.conftest import csrf_token
from tests.integration.marketing_helpers import article_with_suggestions, new_revision

TRAGEDY = "A man died in a fire caused by a washing machine.\n\nThe router was fine."
SELF_HARM = "After the washing machine broke I wanted to kill myself.\n\nPlace the router high."
WHY = "Fire-safety article: the new washer is the fix readers look for here."


def blocked(app, db, body=TRAGEDY):
    article, found = article_with_suggestions(app, db, body=body)
    assert found["washing-machine"].state == SuggestionState.BLOCKED
    return article, found


def link_anyway(client, suggestion, justification=WHY, token=None):
    url = f"/marketing/suggestions/{suggestion.id}/override"
    data = {"justification": justification}
    if token is not False:
        data["csrf_token"] = token or csrf_token(client, url)
    return client.post(url, data=data)


def fresh(db, model, ident):
    db.expire_all()
    return db.get(model, ident)


# --- service ---------------------------------------------------------------------------------------


def test_override_approves_records_who_when_why_and_audits(app, db, users):
    _article, found = blocked(app, db)
    washer = found["washing-machine"]
    with app.app_context():
        record = overrides.override(db, users["marketer"], washer, WHY)
        db.commit()
    washer = fresh(db, LinkSuggestion, washer.id)
    assert washer.state == SuggestionState.APPROVED and washer.override_id == record.id
    record = fresh(db, LinkOverride, record.id)
    assert record.user_id == users["marketer"].id and record.justification == WHY and record.active
    assert record.sentence == washer.sentence and record.matched_text == "washing machine"
    assert "document:tragedy" in record.reason_keys and record.locale == "en"
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "suggestion.overridden"))
    assert entry.actor_id == users["marketer"].id and entry.details["justification"] == WHY


def test_hard_blocks_are_refused_and_stale_or_unblocked_suggestions_too(app, db, users):
    _article, found = blocked(app, db, body=SELF_HARM)
    with app.app_context():
        try:
            overrides.override(db, users["admin"], found["washing-machine"], WHY)
        except overrides.OverrideRefused as exc:
            assert "never overridable" in str(exc.message)
        else:
            raise AssertionError("a self-harm block was overridden")
        # its page tells of self-harm: its own page-level reason says so
        assert overrides.refusal(db, found["router"]) is overrides.DOCUMENT_HARD
    db.rollback()
    assert db.scalar(select(func.count()).select_from(LinkOverride)) == 0


def test_revoke_blocks_again_and_is_audited(app, db, users):
    _article, found = blocked(app, db)
    with app.app_context():
        record = overrides.override(db, users["marketer"], found["washing-machine"], WHY)
        db.commit()
        assert overrides.revoke(db, users["admin"], record) == 1
        assert overrides.revoke(db, users["admin"], record) == 0  # twice: nothing more
        db.commit()
    washer = fresh(db, LinkSuggestion, found["washing-machine"].id)
    assert washer.state == SuggestionState.BLOCKED and washer.override_id is None
    assert fresh(db, LinkOverride, record.id).revoked_by_id == users["admin"].id
    assert db.scalar(select(AuditLog).where(AuditLog.action == "suggestion.override_revoked")) is not None


def test_only_marketers_and_admins_may_override_and_only_on_published_articles(app, db, users):
    article, found = blocked(app, db)
    washer = found["washing-machine"]
    with app.test_request_context():
        for role in ("customer", "agent"):
            assert not access.allows(users[role], access.Action.REVIEW, washer)
            assert not access.allows(users[role], access.Action.VIEW, washer)
        for role in ("marketer", "admin"):
            assert access.allows(users[role], access.Action.REVIEW, washer)
        from knowledge_base.models import ArticleStatus

        article.status = ArticleStatus.ARCHIVED
        assert not access.allows(users["marketer"], access.Action.REVIEW, washer)
        assert access.allows(users["marketer"], access.Action.VIEW, washer)
    db.rollback()


# --- views -----------------------------------------------------------------------------------------


def test_marketer_links_anyway_and_the_customer_sees_the_link(app, db, users, client_as):
    _article, found = blocked(app, db)
    marketer = client_as("marketer")
    queue = marketer.get("/marketing/suggestions?state=blocked").get_data(as_text=True)
    assert f"/marketing/suggestions/{found['washing-machine'].id}/override" in queue
    url = f"/marketing/suggestions/{found['washing-machine'].id}/override"
    form = marketer.get(url).get_data(as_text=True)
    assert "A death or an injury is mentioned in this paragraph." in form  # the reasons in plain words
    response = link_anyway(marketer, found["washing-machine"])
    assert response.status_code == 302
    page = client_as("customer").get("/kb/en/a/care").get_data(as_text=True)
    assert f'href="/go/{found["washing-machine"].id}?s=' in page  # a signed link (marketing.impressions)
    approved = marketer.get("/marketing/suggestions?state=approved").get_data(as_text=True)
    assert "linked anyway" in approved and WHY in approved


def test_override_needs_csrf_and_the_marketing_role(app, db, users, client_as):
    _article, found = blocked(app, db)
    washer = found["washing-machine"]
    app.config["WTF_CSRF_ENABLED"] = True
    assert link_anyway(client_as("marketer"), washer, token=False).status_code == 400
    for role in ("customer", "agent"):
        client = client_as(role)
        assert client.get(f"/marketing/suggestions/{washer.id}/override").status_code == 403
        assert link_anyway(client, washer, token=csrf_token(client, "/")).status_code == 403
    assert client_as("marketer").get("/marketing/suggestions/999999/override").status_code == 404
    assert fresh(db, LinkSuggestion, washer.id).state == SuggestionState.BLOCKED
    assert db.scalar(select(func.count()).select_from(LinkOverride)) == 0


def test_a_short_justification_re_renders_with_the_input_kept(app, db, users, client_as):
    _article, found = blocked(app, db)
    response = link_anyway(client_as("marketer"), found["washing-machine"], justification="it's <b>fine</b>")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "at least 20 characters" in html and "it&#39;s &lt;b&gt;fine&lt;/b&gt;" in html
    assert fresh(db, LinkSuggestion, found["washing-machine"].id).state == SuggestionState.BLOCKED


def test_a_hard_block_shows_why_and_refuses_the_post(app, db, users, client_as):
    _article, found = blocked(app, db, body=SELF_HARM)
    marketer = client_as("marketer")
    url = f"/marketing/suggestions/{found['washing-machine'].id}/override"
    page = marketer.get(url).get_data(as_text=True)
    assert "This block cannot be overridden" in page and 'name="justification"' not in page
    queue = marketer.get("/marketing/suggestions?state=blocked").get_data(as_text=True)
    assert url not in queue and "never overridable" in queue
    token = csrf_token(marketer, "/marketing/suggestions")
    response = link_anyway(marketer, found["washing-machine"], token=token)
    assert response.status_code == 409 and "never overridable" in response.get_data(as_text=True)
    assert fresh(db, LinkSuggestion, found["washing-machine"].id).state == SuggestionState.BLOCKED


def test_revoke_from_the_queue_and_reject_revoke_the_override(app, db, users, client_as):
    _article, found = blocked(app, db)
    marketer = client_as("marketer")
    link_anyway(marketer, found["washing-machine"])
    link_anyway(marketer, found["router"])
    record = db.scalar(select(LinkOverride).where(LinkOverride.offer_id == found["washing-machine"].offer_id))
    token = csrf_token(marketer, "/marketing/suggestions")
    assert marketer.post(f"/marketing/overrides/{record.id}/revoke", data={}).status_code == 400  # no CSRF
    agent = client_as("agent")
    agent_token = {"csrf_token": csrf_token(agent, "/")}
    revoked_by_agent = agent.post(f"/marketing/overrides/{record.id}/revoke", data=agent_token)
    assert revoked_by_agent.status_code == 403
    response = marketer.post(f"/marketing/overrides/{record.id}/revoke", data={"csrf_token": token})
    assert response.status_code == 302
    assert fresh(db, LinkSuggestion, found["washing-machine"].id).state == SuggestionState.BLOCKED
    marketer.post(f"/marketing/suggestions/{found['router'].id}/reject", data={"csrf_token": token})
    router = fresh(db, LinkSuggestion, found["router"].id)
    assert router.state == SuggestionState.REJECTED
    assert all(not o.active for o in db.scalars(select(LinkOverride)))  # a rescan will not re-approve it


# --- rescans ---------------------------------------------------------------------------------------


def test_an_override_survives_a_rescan_of_the_same_sentence_but_not_a_changed_one(app, db, users, client_as):
    article, found = blocked(app, db)
    link_anyway(client_as("marketer"), found["washing-machine"])
    same = new_revision(app, db, article, TRAGEDY.replace("The router was fine.", "The router was fine too."))
    assert same["washing-machine"].state == SuggestionState.APPROVED
    assert same["washing-machine"].override_id is not None
    page = client_as("customer").get("/kb/en/a/care").get_data(as_text=True)
    assert f"/go/{same['washing-machine'].id}" in page
    changed = new_revision(
        app, db, article, "A man died in a fire caused by an old washing machine.\n\nThe router was fine."
    )
    assert changed["washing-machine"].state == SuggestionState.BLOCKED
    assert changed["washing-machine"].override_id is None
    assert "/go/" not in client_as("customer").get("/kb/en/a/care").get_data(as_text=True)


def test_an_override_does_not_lift_a_reason_added_since(app, db, users, client_as):
    article, found = blocked(app, db)
    link_anyway(client_as("marketer"), found["washing-machine"])
    db.add(BlockTerm(locale="en", term="pump", category="brand"))
    db.commit()
    again = new_revision(app, db, article, TRAGEDY + "\n\nCheck the pump.")
    assert again["washing-machine"].state == SuggestionState.BLOCKED  # the blocklist floor is new


# --- statistics and export ---------------------------------------------------------------------------


def test_overrides_by_reason_counts_rates_filters_and_links_items(app, db, users, client_as):
    _article, found = blocked(app, db)
    marketer = client_as("marketer")
    link_anyway(marketer, found["washing-machine"])
    with app.app_context():
        now = utcnow()
        day = timedelta(days=1)
        rows = {r.key: r for r in overrides.reason_stats(db, now - day, now + day)}
        assert rows["document:tragedy"].blocked == 2 and rows["document:tragedy"].overridden == 1
        assert rows["document:tragedy"].rate == 0.5 and rows["document:tragedy"].last_override is not None
        assert rows["sensitive:death_injury"].blocked == 1 and rows["sensitive:death_injury"].overridden == 1
        assert overrides.reason_stats(db, now - timedelta(days=1), now + timedelta(days=1), "pl") == []
        assert overrides.reason_stats(db, now - timedelta(days=30), now - timedelta(days=2)) == []
    assert db.scalar(select(func.count()).select_from(LinkBlockReason)) >= 4
    html = marketer.get("/marketing/overrides").get_data(as_text=True)
    assert "The page tells of death, violence or a disaster, so it gets no links at all." in html
    assert "50.0" in html and "/marketing/overrides?reason=document:tragedy&amp;" in html
    items = marketer.get("/marketing/overrides?reason=sensitive:death_injury").get_data(as_text=True)
    assert WHY in items and "linked" in items
    none = marketer.get("/marketing/overrides?reason=negation:rejects").get_data(as_text=True)
    assert WHY not in none
    assert marketer.get("/marketing/overrides?locale=pl").get_data(as_text=True).count(WHY) == 0
    assert marketer.get("/marketing/overrides?from=2026-13-01").status_code == 400
    assert client_as("agent").get("/marketing/overrides").status_code == 403


def test_reason_labels_follow_the_reader_language(app, db, users, client_as):
    _article, found = blocked(app, db)
    link_anyway(client_as("marketer"), found["washing-machine"])
    users["marketer"].locale = "pl"
    db.commit()
    html = client_as("marketer").get("/marketing/overrides").get_data(as_text=True)
    assert "The page tells of death" not in html and "document:tragedy" in html
    assert "Strona opowiada o śmierci, przemocy lub katastrofie" in html
    assert "Nadpisania według powodu" in html


def test_export_as_training_data_csv_and_cli(app, db, users, client_as):
    _article, found = blocked(app, db)
    marketer = client_as("marketer")
    link_anyway(marketer, found["washing-machine"], justification="=HYPERLINK(evil) but long enough text")
    link_anyway(marketer, found["router"])
    router = db.scalar(select(LinkOverride).where(LinkOverride.offer_id == found["router"].offer_id))
    with app.app_context():
        overrides.revoke(db, users["marketer"], router)
        db.commit()
    response = marketer.get("/marketing/overrides/export.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1  # the revoked one is not training data by default
    row = rows[0]
    assert list(row)[:3] == ["label", "genre", "text"] and row["label"] == ""
    assert row["text"].startswith("A man died") and row["lang"] == "en" and row["offer"] == "washing-machine"
    assert "document:tragedy" in row["overridden_reasons"].split()
    assert row["justification"].startswith("'=HYPERLINK")  # no formula in a spreadsheet
    assert client_as("agent").get("/marketing/overrides/export.csv").status_code == 403
    result = app.test_cli_runner().invoke(args=["linker", "overrides-export", "--include-revoked"])
    assert result.exit_code == 0, result.output
    lines = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["status"] for r in lines} == {"active", "revoked"}
    assert app.test_cli_runner().invoke(args=["linker", "overrides-export", "--lang", "xx"]).exit_code != 0


def test_no_override_applies_on_a_page_that_now_tells_of_self_harm(app, db, users, client_as):
    article, found = blocked(app, db)
    link_anyway(client_as("marketer"), found["router"])  # "The router was fine." beside a fatal fire
    again = new_revision(
        app, db, article, TRAGEDY.replace("A man died in a fire caused by", "I wanted to kill myself over")
    )
    assert again["router"].sentence == found["router"].sentence
    assert again["router"].state == SuggestionState.BLOCKED and again["router"].override_id is None


# --- review findings: hard page-level tragedies, rescans, races, empty reasons, redirects ---------

SUICIDE_ELSEWHERE = "He took his own life last spring.\n\nThe washing machine in the basement still works."
ABUSE_ELSEWHERE = "Her husband abused her for years.\n\nThe washing machine in the basement still works."


def test_a_page_telling_of_suicide_in_a_paragraph_without_an_offer_refuses_link_anyway(
    app, db, users, client_as
):
    _article, found = blocked(app, db, body=SUICIDE_ELSEWHERE)
    washer = found["washing-machine"]
    assert {r["kind"] for r in washer.reasons} == {"tragedy"}  # the only reason it carries
    marketer = client_as("marketer")
    url = f"/marketing/suggestions/{washer.id}/override"
    page = marketer.get(url).get_data(as_text=True)
    assert 'name="justification"' not in page and "self-harm or suicide" in page
    token = csrf_token(marketer, "/marketing/suggestions")
    response = link_anyway(marketer, washer, token=token)
    assert response.status_code == 409
    assert fresh(db, LinkSuggestion, washer.id).state == SuggestionState.BLOCKED
    assert db.scalar(select(func.count()).select_from(LinkOverride)) == 0


def test_abuse_told_elsewhere_on_the_page_is_refused_too(app, db, users):
    _article, found = blocked(app, db, body=ABUSE_ELSEWHERE)
    with app.app_context():
        assert overrides.refusal(db, found["washing-machine"]) is not None


def test_an_override_made_before_is_not_re_applied_when_the_page_tells_of_suicide(app, db, users, client_as):
    article, found = blocked(
        app, db, body="A man died in a fire last year.\n\n" + SUICIDE_ELSEWHERE.split("\n\n")[1]
    )
    assert link_anyway(client_as("marketer"), found["washing-machine"]).status_code == 302
    again = new_revision(app, db, article, SUICIDE_ELSEWHERE)
    assert again["washing-machine"].sentence == found["washing-machine"].sentence
    assert (
        again["washing-machine"].state == SuggestionState.BLOCKED
        and again["washing-machine"].override_id is None
    )


def test_a_rescan_that_re_approves_through_an_override_is_audited_and_fires_the_webhook(
    app, db, users, client_as
):
    from portal.models import WebhookDelivery
    from tests.integration.webhook_helpers import subscribe

    article, found = blocked(app, db)
    link_anyway(client_as("marketer"), found["washing-machine"])
    subscribe(db, "https://hooks.example.com/in", events=["suggestion.approved"])
    same = new_revision(app, db, article, TRAGEDY.replace("The router was fine.", "The router was fine too."))
    washer = same["washing-machine"]
    assert washer.state == SuggestionState.APPROVED and washer.override_id is not None
    entries = db.scalars(select(AuditLog).where(AuditLog.action == "suggestion.approved")).all()
    assert [e.target for e in entries] == [str(washer.id)]
    assert entries[0].details["override"] == washer.override_id and entries[0].actor_id is None
    deliveries = db.scalars(
        select(WebhookDelivery).where(WebhookDelivery.event == "suggestion.approved")
    ).all()
    assert [d.payload["data"]["suggestion_id"] for d in deliveries] == [washer.id]


def test_two_simultaneous_link_anyway_posts_make_one_override(app, db, users):
    _article, found = blocked(app, db)
    washer = found["washing-machine"]
    other = app.extensions["db_sessionmaker"]()
    try:
        stale = other.get(LinkSuggestion, washer.id)  # the second request read it while still blocked
        assert stale.state == SuggestionState.BLOCKED
        with app.app_context():
            overrides.override(db, users["marketer"], washer, WHY)
            db.commit()
            try:
                overrides.override(other, users["admin"], stale, WHY)
            except overrides.OverrideRefused as exc:
                assert "Only a blocked suggestion" in str(exc.message)
            else:
                raise AssertionError("a second override of the same suggestion was accepted")
            other.rollback()
    finally:
        other.close()
    assert db.scalar(select(func.count()).select_from(LinkOverride)) == 1


def test_the_revoke_redirect_keeps_the_script_root_and_refuses_other_sites(app, db, users, client_as):
    _article, found = blocked(app, db)
    marketer = client_as("marketer")
    link_anyway(marketer, found["washing-machine"])
    record = db.scalar(select(LinkOverride))
    root = "http://localhost/shop"  # the app mounted under /shop
    page = marketer.get("/marketing/overrides?locale=en", base_url=root).get_data(as_text=True)
    assert 'name="next" value="/shop/marketing/overrides?locale=en"' in page
    token = csrf_token(marketer, "/marketing/suggestions")
    data = {"csrf_token": token, "next": "/shop/marketing/overrides?locale=en"}
    response = marketer.post(f"/marketing/overrides/{record.id}/revoke", data=data, base_url=root)
    assert (
        response.status_code == 302 and response.headers["Location"] == "/shop/marketing/overrides?locale=en"
    )
    for bad in (
        "//evil.example.com/marketing/x",
        "/\\evil.example.com",
        "https://evil.example.com/marketing/",
    ):
        data["next"] = bad
        response = marketer.post(f"/marketing/overrides/{record.id}/revoke", data=data, base_url=root)
        assert response.headers["Location"] == "/shop/marketing/overrides", bad


def test_the_second_of_two_simultaneous_posts_answers_409_with_the_reason(
    app, db, users, client_as, monkeypatch
):
    _article, found = blocked(app, db)
    marketer = client_as("marketer")
    assert link_anyway(marketer, found["washing-machine"]).status_code == 302
    monkeypatch.setattr(overrides, "refusal", lambda *_args: None)  # it read the row while still blocked
    response = link_anyway(
        marketer, found["washing-machine"], token=csrf_token(marketer, "/marketing/suggestions")
    )
    assert (
        response.status_code == 409
        and "Only a blocked suggestion can be overridden." in response.get_data(as_text=True)
    )
    assert db.scalar(select(func.count()).select_from(LinkOverride)) == 1


def test_a_customer_who_saw_the_page_before_the_override_sees_the_link_after_it(app, db, users, client_as):
    _article, found = blocked(app, db)
    customer = client_as("customer")
    assert "/go/" not in customer.get("/kb/en/a/care").get_data(as_text=True)  # cached without links
    assert link_anyway(client_as("marketer"), found["washing-machine"]).status_code == 302
    assert f"/go/{found['washing-machine'].id}" in customer.get("/kb/en/a/care").get_data(as_text=True)
