"""The header's memoised parts (portal/chrome.py) never carry one user's view to another, follow
a change of role at once, and every header form still carries a working CSRF token."""

import re

from sqlalchemy import update

from portal.models import Role, User
from tests.conftest import CSRF_RE

NAV_LINK = re.compile(r'<nav class="site-nav".*?</nav>', re.S)


def _nav(html: str) -> str:
    return NAV_LINK.search(html).group(0)


def test_two_customers_never_see_each_others_header(client_as, users):
    first = client_as("customer").get("/kb/en/").get_data(as_text=True)
    second = client_as("customer2").get("/kb/en/").get_data(as_text=True)
    assert 'class="user-link">Customer<' in first and "Customer2" not in first
    assert 'class="user-link">Customer2<' in second


def test_each_role_sees_its_own_navigation_on_the_same_page(client_as, client, users):
    agent = _nav(client_as("agent").get("/kb/en/").get_data(as_text=True))
    customer = _nav(client_as("customer").get("/kb/en/").get_data(as_text=True))
    anonymous = _nav(client.get("/kb/en/").get_data(as_text=True))
    assert "/staff/requests" in agent and "/staff/requests" not in customer
    assert "/requests" in customer and '"/requests"' not in agent
    assert '"/requests"' not in anonymous and "/staff/requests" not in anonymous


def test_a_demoted_agent_loses_the_staff_navigation_at_once(client_as, db, users):
    agent = client_as("agent")
    assert "/staff/requests" in _nav(agent.get("/kb/en/").get_data(as_text=True))
    db.execute(update(User).where(User.id == users["agent"].id).values(role=Role.CUSTOMER))
    db.commit()
    assert "/staff/requests" not in _nav(agent.get("/kb/en/").get_data(as_text=True))


def test_the_current_page_is_marked_per_page(client_as, users):
    customer = client_as("customer")
    on_kb = _nav(customer.get("/kb/en/").get_data(as_text=True))
    on_requests = _nav(customer.get("/requests").get_data(as_text=True))
    assert re.search(r'href="/kb/en/" aria-current="page"', on_kb)
    assert not re.search(r'href="/kb/en/" aria-current="page"', on_requests)
    assert re.search(r'href="/requests" aria-current="page"', on_requests)


def test_the_language_picker_follows_the_language(client):
    english = client.get("/kb/en/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    polish = client.get("/kb/pl/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert '<option selected value="en">' in english
    assert '<option selected value="pl">' in polish and '<option selected value="en">' not in polish


def test_header_forms_carry_this_sessions_token_and_it_works(app, client_as, users):
    customer = client_as("customer")
    html = customer.get("/kb/en/").get_data(as_text=True)
    tokens = CSRF_RE.findall(html)
    assert len(tokens) >= 2  # the language form and the logout form
    answer = customer.post("/language", data={"locale": "cs", "csrf_token": tokens[0], "next": "/kb/en/"})
    assert answer.status_code == 302
    assert customer.post("/language", data={"locale": "cs", "next": "/kb/en/"}).status_code == 400
    assert customer.post("/logout", data={"csrf_token": tokens[-1]}).status_code == 302
    assert customer.get("/requests").status_code == 302  # logged out: sent to the login page


def test_names_and_paths_filled_into_the_header_are_escaped(client_as, db, users):
    db.execute(update(User).where(User.id == users["customer"].id).values(name='<b>"Bold"</b>'))
    db.commit()
    html = client_as("customer").get('/kb/en/search?q="><i>x').get_data(as_text=True)
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert "&lt;b&gt;&#34;Bold&#34;&lt;/b&gt;" in header and "<b>" not in header
    assert 'value="/kb/en/search?q=%22%3E%3Ci%3Ex"' in header or "&#34;&gt;&lt;i&gt;" in header
    assert "<i>x" not in header


def test_status_labels_are_memoised_per_language(app, client_as, db, users):
    from flask_babel import force_locale

    from portal.models import RequestStatus
    from portal.requests.workflow import STAFF_STATUS_LABELS
    from tests.integration.perf_helpers import add_customers, add_requests

    add_requests(db, add_customers(db, 1, start=0), start=0)
    with app.test_request_context(), force_locale("pl"):
        polish = str(STAFF_STATUS_LABELS[RequestStatus.OPEN])
    english = str(STAFF_STATUS_LABELS[RequestStatus.OPEN])
    assert polish != english
    agent = client_as("agent")
    assert f">{english}</span>" in agent.get("/staff/requests").get_data(as_text=True)
    db.execute(update(User).where(User.id == users["agent"].id).values(locale="pl"))
    db.commit()
    page = agent.get("/staff/requests").get_data(as_text=True)
    assert f">{polish}</span>" in page and f">{english}</span>" not in page


# The whole article page is memoised (portal/kb/views.py) with the same slots ------------------


def _article(app, db) -> str:
    from tests.integration.kb_helpers import publish_article

    publish_article(app, db)
    return "/kb/en/a/router-tips"


def test_a_memoised_article_page_carries_each_readers_name_and_working_tokens(app, client_as, db, users):
    path = _article(app, db)
    first, second = client_as("customer"), client_as("customer2")
    one = first.get(path).get_data(as_text=True)
    two = second.get(path).get_data(as_text=True)
    assert 'class="user-link">Customer<' in one and "Customer2" not in one
    assert 'class="user-link">Customer2<' in two
    assert "\x00" not in one and "\x00" not in two
    tokens = CSRF_RE.findall(two)
    assert len(tokens) >= 3 and not set(tokens) & set(CSRF_RE.findall(one))  # header forms and feedback
    feedback = second.post(f"{path}/feedback", data={"csrf_token": tokens[-1], "helpful": "yes"})
    assert feedback.status_code == 302
    assert second.post(f"{path}/feedback", data={"helpful": "yes"}).status_code == 400


def test_a_memoised_article_page_follows_a_change_of_role_and_shows_flashes_once(app, client_as, db, users):
    path = _article(app, db)
    agent = client_as("agent")
    assert "/staff/requests" in _nav(agent.get(path).get_data(as_text=True))
    db.execute(update(User).where(User.id == users["agent"].id).values(role=Role.CUSTOMER))
    db.commit()
    page = agent.get(path).get_data(as_text=True)
    assert "/staff/requests" not in _nav(page)
    token = CSRF_RE.findall(page)[-1]
    agent.post(f"{path}/feedback", data={"csrf_token": token, "helpful": "yes"})
    assert 'class="flashes"' in agent.get(path).get_data(as_text=True)
    assert 'class="flashes"' not in agent.get(path).get_data(as_text=True)


def test_a_memoised_article_page_fills_in_this_requests_path(app, client_as, db, users):
    path = _article(app, db)
    customer = client_as("customer")
    customer.get(path)
    page = customer.get(f"{path}?from=x").get_data(as_text=True)
    assert f'value="{path}?from=x"' in page
    assert f'value="{path}?from=x"' not in customer.get(path).get_data(as_text=True)
