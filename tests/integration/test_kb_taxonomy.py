"""Localised taxonomy and formats: names per language, state words, numbers, plurals, time zones."""

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from knowledge_base.models import Category
from portal import formats, labels
from portal.models import AuditLog, Product, User
from portal.requests.workflow import CHANNEL_LABELS, PRIORITY_LABELS, STAFF_STATUS_LABELS, STATUS_LABELS
from portal.translations.catalogs import TRANSLATED
from tests.conftest import csrf_token
from tests.integration.kb_helpers import publish_article

ALL_LABEL_TABLES = {
    **{cls.__name__: table for cls, table in labels.LABELS.items()},
    "RequestStatus (customer)": STATUS_LABELS,
    "RequestStatus (staff)": STAFF_STATUS_LABELS,
    "Priority": PRIORITY_LABELS,
    "Channel": CHANNEL_LABELS,
}


@pytest.mark.parametrize("locale", TRANSLATED)
@pytest.mark.parametrize("table", sorted(ALL_LABEL_TABLES))
def test_every_state_role_and_priority_word_is_translated(app, table, locale):
    with app.test_request_context():
        english = {member: str(text) for member, text in ALL_LABEL_TABLES[table].items()}
        with force_locale(locale):
            translated = {member: str(text) for member, text in ALL_LABEL_TABLES[table].items()}
    for member, text in translated.items():
        assert text.strip() and text != english[member], (table, member, locale, text)


def test_every_member_of_each_labelled_enum_has_a_label():
    for cls, table in labels.LABELS.items():
        assert set(table) == set(cls), cls


def test_staff_pages_show_translated_state_words(app, db, client_as, users):
    publish_article(app, db)
    users["admin"].locale = "pl"
    db.commit()
    admin = client_as("admin")
    assert "Opublikowany" in admin.get("/staff/kb").get_data(as_text=True)
    users_page = admin.get("/admin/users").get_data(as_text=True)
    assert ">Konsultant<" in users_page and ">Administrator<" in users_page and ">agent<" not in users_page


@pytest.fixture
def washers(db):
    category = Category(slug="washing", name="Washing machines", names={"pl": "Pralki", "cs": "Pračky"})
    product = Product(sku="WM-1", name="Washer 800", kind="washer", names={"pl": "Pralka 800"})
    db.add_all([category, product])
    db.commit()
    return category, product


def test_names_fall_back_to_the_default_name(washers):
    category, product = washers
    assert category.name_in("pl") == "Pralki" and category.name_in("ru") == "Washing machines"
    assert product.all_names() == {
        "en": "Washer 800",
        "pl": "Pralka 800",
        "cs": "Washer 800",
        "ru": "Washer 800",
    }


def test_kb_and_request_form_show_names_in_the_readers_language(app, db, client, client_as, users, washers):
    category, _product = washers
    publish_article(app, db, category=category, slug="drum", title="Drum care", body="Clean the drum.")
    polish = {"Accept-Language": "pl"}
    assert "Pralki" in client.get("/kb/pl/", headers=polish).get_data(as_text=True)
    assert "<h1>Pralki</h1>" in client.get("/kb/pl/c/washing", headers=polish).get_data(as_text=True)
    assert "Washing machines" in client.get("/kb/ru/c/washing", headers={"Accept-Language": "ru"}).get_data(
        as_text=True
    )
    users["customer"].locale = "pl"
    db.commit()
    form = client_as("customer").get("/requests/new").get_data(as_text=True)
    assert ">Pralki</option>" in form and ">Pralka 800</option>" in form


def test_api_lists_categories_with_names_per_language(app, db, users, client, washers):
    from tests.integration.api_helpers import bearer, make_token

    token = make_token(app, db, users["customer"])
    items = client.get("/api/v1/categories", headers=bearer(token)).json["items"]
    washing = next(c for c in items if c["slug"] == "washing")
    assert washing["name"] == "Washing machines" and washing["names"]["cs"] == "Pračky"
    assert washing["names"]["ru"] == "Washing machines"


def test_api_categories_carry_names_per_language_and_keep_name(app, washers):
    from portal.api.schemas import CategoryOut

    with app.test_request_context():
        dumped = CategoryOut().dump(washers[0])
    assert dumped["name"] == "Washing machines"
    assert dumped["names"] == {
        "en": "Washing machines",
        "pl": "Pralki",
        "cs": "Pračky",
        "ru": "Washing machines",
    }


def test_admin_edits_names_per_language_and_it_is_audited(app, db, client, client_as, washers):
    category, _product = washers
    publish_article(app, db, category=category, slug="drum", title="Drum care", body="Clean the drum.")
    # the front page is cached: renaming the category below must renew it
    assert "Pralki" in client.get("/kb/pl/", headers={"Accept-Language": "pl"}).get_data(
        as_text=True
    )  # cached
    admin = client_as("admin")
    url = f"/admin/catalog/names/category/{category.id}"
    data = {
        "name_en": "Washers",
        "name_pl": " Pralki  automatyczne ",
        "name_cs": "",
        "name_ru": "Стиральные машины",
    }
    answer = admin.post(url, data={**data, "csrf_token": csrf_token(admin, url)})
    assert answer.status_code == 302
    db.expire_all()
    category = db.get(Category, category.id)
    assert category.name == "Washers"
    assert category.names == {"pl": "Pralki automatyczne", "ru": "Стиральные машины"}
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "catalog.names_changed"))
    assert entry.target == f"category:{category.id}" and entry.details["before"]["cs"] == "Pračky"
    polish_index = client.get("/kb/pl/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Pralki automatyczne" in polish_index  # the cached front page was renewed


def test_names_form_keeps_input_and_requires_the_default_name(db, client_as, washers):
    admin = client_as("admin")
    url = f"/admin/catalog/names/product/{washers[1].id}"
    answer = admin.post(
        url, data={"name_en": " ", "name_pl": "Pralka X", "csrf_token": csrf_token(admin, url)}
    )
    assert answer.status_code == 400 and 'value="Pralka X"' in answer.get_data(as_text=True)
    db.expire_all()
    assert db.get(Product, washers[1].id).name == "Washer 800"


@pytest.mark.parametrize("role", ["agent", "marketer", "customer"])
def test_only_admins_edit_catalogue_names(client_as, washers, role):
    assert client_as(role).get(f"/admin/catalog/names/category/{washers[0].id}").status_code == 403


def test_unknown_kind_is_404(client_as, washers):
    assert client_as("admin").get(f"/admin/catalog/names/offer/{washers[0].id}").status_code == 404


def test_numbers_and_percentages_use_the_locale_separators(app):
    with app.test_request_context(), force_locale("pl"):
        assert formats.decimal(1234.5) == "1\xa0234,5"
        assert formats.percent(0.12) == "12%"
    with app.test_request_context(), force_locale("cs"):
        assert formats.percent(0.12) == "12\xa0%"
    with app.test_request_context(), force_locale("en"):
        assert formats.decimal(1234.5) == "1,234.5"


@pytest.mark.parametrize(
    "locale, counts",
    [
        ("en", {1: "1 result", 2: "2 results", 5: "5 results"}),
        ("pl", {1: "1 wynik", 2: "2 wyniki", 5: "5 wyników", 22: "22 wyniki", 12: "12 wyników"}),
        ("cs", {1: "1 výsledek", 3: "3 výsledky", 5: "5 výsledků"}),
        ("ru", {1: "1 результат", 21: "21 результат", 3: "3 результата", 11: "11 результатов"}),
    ],
)
def test_result_counts_use_each_languages_plural_forms(app, locale, counts):
    template = app.jinja_env.from_string(
        "{{ ngettext('%(count)s result', '%(count)s results', n, count=n) }}"
    )
    with app.test_request_context(), force_locale(locale):
        for n, expected in counts.items():
            assert template.render(n=n) == expected


def test_search_page_counts_results_in_polish(app, db, client):
    publish_article(app, db, slug="router-a", locale="pl", title="Reset routera", body="Zresetuj router.")
    publish_article(app, db, slug="router-b", locale="pl", title="Lampki routera", body="Router mruga.")
    page = client.get("/kb/pl/search?q=router", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "2 wyniki" in page


def test_account_time_zone_is_validated_saved_and_used(app, db, client_as, users):
    customer = client_as("customer")
    form = {"account-name": "Customer", "account-locale": "en", "account-timezone": "Mars/Olympus_Mons"}
    answer = customer.post("/account", data={**form, "account-csrf_token": csrf_token(customer, "/account")})
    assert answer.status_code == 200 and "Not a valid choice" in answer.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, users["customer"].id).timezone is None
    form["account-timezone"] = "America/New_York"
    customer.post("/account", data={**form, "account-csrf_token": csrf_token(customer, "/account")})
    db.expire_all()
    assert db.get(User, users["customer"].id).timezone == "America/New_York"
    assert '<option selected value="America/New_York">' in customer.get("/account").get_data(as_text=True)


def test_shown_times_are_in_the_users_zone_and_say_which(app, db, users):
    moment = datetime(2026, 1, 15, 13, 5, tzinfo=UTC)
    users["customer"].timezone = "Europe/Warsaw"
    db.commit()
    from flask_login import login_user

    with app.test_request_context():
        assert formats.local_datetime(moment) == "1/15/26, 1:05\u202fPM UTC"  # anonymous: the default zone
    with app.test_request_context():
        login_user(db.get(User, users["customer"].id))
        with force_locale("pl"):
            assert formats.local_datetime(moment) == "15.01.2026, 14:05 CET"
    with app.test_request_context():
        login_user(db.get(User, users["customer"].id))
        assert formats.local_date(datetime(2026, 1, 15, 23, 30, tzinfo=UTC)) == "Jan 16, 2026"
        assert (
            formats.local_date(datetime(2026, 1, 15, 23, 30, tzinfo=UTC), in_reader_zone=False)
            == "Jan 15, 2026"
        )


def test_unknown_zone_in_the_database_falls_back_to_the_default(app, db, users):
    users["customer"].timezone = "Nowhere/Land"
    db.commit()
    from flask_login import login_user

    with app.test_request_context():
        login_user(db.get(User, users["customer"].id))
        assert formats.select_timezone() == app.config["DEFAULT_TIMEZONE"]


def test_pages_show_times_in_the_users_zone_with_its_name(app, db, client_as, users):
    from zoneinfo import ZoneInfo

    publish_article(app, db)
    users["agent"].timezone = "Europe/Warsaw"
    db.commit()
    page = client_as("agent").get("/staff/kb/router-tips/revisions?locale=en").get_data(as_text=True)
    assert f" {datetime.now(ZoneInfo('Europe/Warsaw')).tzname()}</td>" in page


def test_canned_reply_names_the_product_in_the_customers_language():
    from portal.models import ServiceRequest
    from portal.requests.canned import fill_placeholders

    customer = User(name="Ola", locale="pl")
    product = Product(sku="WM-2", name="Washer 900", kind="washer", names={"pl": "Pralka 900"})
    request = ServiceRequest(reference="SR-2026-000001", subject="Leak", customer=customer, product=product)
    assert fill_placeholders("O {product}", request, User(name="Agent")) == "O Pralka 900"


def test_a_plural_cell_needs_exactly_the_languages_number_of_forms():
    from portal.translations import catalogs

    message = ("%(count)s result", "%(count)s results")
    assert catalogs.translation(message, {"pl": "a || b || c"}, "pl") == ("a", "b", "c")
    assert catalogs.translation(message, {"pl": "a || b"}, "pl") == ("", "", "")
    assert catalogs.translation(message, None, "ru") == ("", "", "")


def test_demo_catalogue_names_every_category_and_product_in_every_language(db):
    from portal import seed

    catalog = seed.load_demo_catalog()
    for row in catalog["categories"] + catalog["products"]:
        assert set(row["names"]) == set(TRANSLATED) and all(row["names"].values()), row
    categories = seed._seed_categories(db, catalog["categories"])
    db.commit()
    laundry = categories["laundry"]
    assert laundry.name_in("pl") == "Pranie" and laundry.name_in("en") == "Laundry"


def test_the_time_zone_is_part_of_the_personal_data_export(users):
    from portal.privacy.export import profile

    users["customer"].timezone = "Europe/Prague"
    assert profile(users["customer"])["timezone"] == "Europe/Prague"


@pytest.mark.parametrize("locale, shown", [("cs", "67\xa0%"), ("pl", "67%"), ("en", "67%")])
def test_curation_page_shows_helpfulness_as_a_locale_percentage(app, db, client_as, users, locale, shown):
    article = publish_article(app, db)
    article.helpful_yes, article.helpful_no = 2, 1
    users["agent"].locale = locale
    db.commit()
    page = client_as("agent").get("/staff/kb").get_data(as_text=True)
    assert f"<td>{shown} (2/3)</td>" in page


def test_template_filters_format_numbers_for_a_polish_reader(app, client):
    # variables, not literals: Jinja would fold a filter of constants at compile time, outside the request
    template = app.jinja_env.from_string("{{ x|decimal }} · {{ x|decimal(2) }} · {{ y|percent(1) }}")
    with app.test_request_context(headers={"Accept-Language": "pl"}):
        assert template.render(x=1234.5, y=0.125) == "1\xa0234,5 · 1\xa0234,50 · 12,5%"
