"""Marshmallow schemas of the API: what goes in and out; the OpenAPI document is generated from them."""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import File
from marshmallow import ValidationError, fields, validate

from linker.reasons import stored_reason, text_of
from portal.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from portal.kb import addresses
from portal.models import Priority, RequestStatus, SuggestionState
from portal.requests.sla import as_aware

STATUSES = [s.value for s in RequestStatus]
PRIORITIES = [p.value for p in Priority]


def _storable(value: str) -> None:
    """Text the database can store: no NUL, no lone surrogate."""
    if "\x00" in value:
        raise ValidationError("NUL characters are not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("The text is not valid Unicode.") from None


class Text(fields.String):
    """A string that the database can store (validated on input)."""

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        checks = [_storable]
        if max_length is not None:
            checks.append(validate.Length(max=max_length))
        extra = kwargs.pop("validate", None)
        if extra is not None:
            checks.append(extra)
        super().__init__(*args, validate=checks, **kwargs)


class Moment(fields.DateTime):
    """A timestamp, always with its UTC offset."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return super()._serialize(as_aware(value), attr, obj, **kwargs)


class CursorQuery(Schema):
    """Query parameters every list takes."""

    cursor = Text(max_length=200, metadata={"description": "next_cursor of the previous page"})
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))


def _sort(sorts: list[str], default: str) -> fields.String:
    return fields.String(load_default=default, validate=validate.OneOf(sorts))


class PageOut(Schema):
    next_cursor = fields.String(allow_none=True, metadata={"description": "null on the last page"})


# -- requests ---------------------------------------------------------------------------------


class RequestQuery(CursorQuery):
    status = fields.String(validate=validate.OneOf([*STATUSES, "active"]))
    priority = fields.String(validate=validate.OneOf(PRIORITIES))
    category = Text(max_length=80, metadata={"description": "category slug (its subcategories too)"})
    sort = _sort(["created", "-created", "updated", "-updated"], "-created")


class PersonOut(Schema):
    id = fields.Integer()
    name = fields.String()


class RequestOut(Schema):
    reference = fields.String(metadata={"example": "SR-2026-000123"})
    subject = fields.String()
    description = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    priority = fields.String(validate=validate.OneOf(PRIORITIES))
    category = fields.String(allow_none=True, attribute="category.slug")
    product = fields.String(allow_none=True, attribute="product.sku")
    channel = fields.String()
    customer = fields.Nested(PersonOut)
    assignee = fields.Nested(PersonOut, allow_none=True)
    created_at = Moment()
    updated_at = Moment()
    first_response_due = Moment(allow_none=True)
    resolution_due = Moment(allow_none=True)
    resolved_at = Moment(allow_none=True)
    closed_at = Moment(allow_none=True)
    rating = fields.Integer(allow_none=True)
    version = fields.Integer(metadata={"description": "send it back in PATCH to detect concurrent changes"})


class RequestItem(RequestOut):
    """One item of a list (a schema of its own, so the document names both once)."""


class RequestPage(PageOut):
    items = fields.List(fields.Nested(RequestItem))


class RequestIn(Schema):
    subject = Text(required=True, max_length=200, validate=validate.Length(min=1))
    description = Text(required=True, validate=validate.Length(min=1))
    category = Text(max_length=80, load_default="", metadata={"description": "category slug"})
    product = Text(
        max_length=40,
        load_default="",
        metadata={"description": '"own:<customer product id>" or "catalog:<product id>"'},
    )
    priority = fields.String(load_default=Priority.NORMAL.value, validate=validate.OneOf(PRIORITIES))


class RequestPatch(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    priority = fields.String(validate=validate.OneOf(PRIORITIES), metadata={"description": "staff"})
    assignee_id = fields.Integer(
        allow_none=True,
        validate=validate.Range(1, 2**31 - 1),
        metadata={"description": "staff; null: nobody"},
    )
    rating = fields.Integer(
        validate=validate.Range(1, 5), metadata={"description": "customer, once resolved"}
    )
    rating_comment = Text(max_length=2000, load_default="")
    version = fields.Integer(validate=validate.Range(1, 2**31 - 1))


# -- messages and attachments -----------------------------------------------------------------


class MessageOut(Schema):
    id = fields.Integer()
    author = fields.Nested(PersonOut)
    body = fields.String()
    internal = fields.Boolean()
    channel = fields.String()
    created_at = Moment()


class MessageItem(MessageOut):
    """One item of a list (a schema of its own, so the document names both once)."""


class MessageList(Schema):
    items = fields.List(fields.Nested(MessageItem))


class MessageIn(Schema):
    body = Text(required=True, validate=validate.Length(min=1))
    internal = fields.Boolean(load_default=False, metadata={"description": "an internal note (staff only)"})


class MessageFilesIn(Schema):
    body = Text(required=True, validate=validate.Length(min=1))
    internal = fields.Boolean(load_default=False, metadata={"description": "an internal note (staff only)"})
    files = fields.List(
        File(),
        required=True,
        metadata={"description": "the files (repeat the part); the web's limits on count, size and type"},
    )


class AttachmentOut(Schema):
    id = fields.Integer()
    request = fields.String(attribute="request.reference")
    name = fields.String(attribute="display_name")
    content_type = fields.String()
    size = fields.Integer()
    created_at = Moment()


class AttachmentItem(AttachmentOut):
    """One item of a list (a schema of its own, so the document names both once)."""


class AttachmentList(Schema):
    items = fields.List(fields.Nested(AttachmentItem))


# -- customers ----------------------------------------------------------------------------------


class CustomerQuery(CursorQuery):
    q = Text(max_length=100, metadata={"description": "part of the name or e-mail address"})
    sort = _sort(["id", "-id"], "id")


class OwnedProductOut(Schema):
    id = fields.Integer()
    sku = fields.String(attribute="product.sku")
    name = fields.String(attribute="product.name")
    names = fields.Function(
        lambda owned: owned.product.all_names(),
        metadata={"description": "the product's name in every interface language (default name as fallback)"},
    )
    kind = fields.String(attribute="product.kind")
    serial_number = fields.String()
    purchased_on = fields.Date(allow_none=True)


class CustomerOut(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    locale = fields.String(allow_none=True)
    segment = fields.String()
    marketing_consent = fields.Boolean()
    is_active = fields.Boolean()
    created_at = Moment()


class CustomerDetail(CustomerOut):
    products = fields.List(fields.Nested(OwnedProductOut))


class CustomerIn(Schema):
    email = Text(required=True, max_length=254, validate=validate.Length(min=3))
    name = Text(
        max_length=120, load_default="", metadata={"description": "default: the address's local part"}
    )


class RegistrationIn(Schema):
    product_id = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1))
    serial_number = Text(required=True, max_length=80)
    purchased_on = fields.Date(required=True)


class CustomerPage(PageOut):
    items = fields.List(fields.Nested(CustomerOut))


class ProductList(Schema):
    items = fields.List(fields.Nested(OwnedProductOut))


# -- knowledge base ------------------------------------------------------------------------------


class CategoryOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    names = fields.Function(
        lambda category: category.all_names(),
        metadata={"description": "the name in every interface language (default name as fallback)"},
    )
    parent = fields.String(allow_none=True, attribute="parent.slug")


class CategoryItem(CategoryOut):
    """One item of a list (a schema of its own, so the document names both once)."""


class CategoryList(Schema):
    items = fields.List(fields.Nested(CategoryItem))


class CategoryIn(Schema):
    slug = Text(required=True, max_length=80, metadata={"description": "lower-case letters, digits, hyphens"})
    name = Text(required=True, max_length=120)
    parent = Text(
        max_length=80, load_default="", metadata={"description": "slug of a top-level category; '' = none"}
    )


class CategoryPatch(Schema):
    slug = Text(max_length=80)
    name = Text(max_length=120)
    parent = Text(max_length=80, metadata={"description": "slug of a top-level category; '' = top-level"})


class ReviewIn(Schema):
    comment = Text(max_length=2000, load_default="", metadata={"description": "required to send back"})


class ArticleQuery(CursorQuery):
    locale = fields.String(validate=validate.OneOf(["en", "pl", "cs", "ru"]))
    status = fields.String(
        validate=validate.OneOf(["draft", "in_review", "published", "archived"]),
        metadata={"description": "curators only; others see published articles"},
    )
    category = Text(max_length=80)
    sort = _sort(["id", "-id"], "id")


class ArticleOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    locale = fields.String()
    translation_key = fields.String()
    status = fields.String()
    title = fields.String()
    tags = fields.List(fields.String())
    category = fields.String(allow_none=True, attribute="category.slug")
    published_at = Moment(allow_none=True)
    updated_at = Moment()
    body_html = fields.String(metadata={"description": "the published text, sanitised HTML"})
    url = fields.Method("_url", allow_none=True, metadata={"description": "the published article's address"})

    def _url(self, article: Any) -> str | None:
        """The article's absolute address when it is published, else None."""
        return addresses.absolute_article_url(article) if str(article.status) == "published" else None


class ArticleItem(ArticleOut):
    """One item of a list (a schema of its own, so the document names both once)."""


class ArticlePage(PageOut):
    items = fields.List(fields.Nested(ArticleItem))


class RevisionOut(Schema):
    id = fields.Integer()
    article_id = fields.Integer()
    title = fields.String()
    body_md = fields.String()
    tags = fields.List(fields.String())
    author_id = fields.Integer(allow_none=True)
    comment = fields.String()
    significance = fields.String()
    state = fields.String()
    reviewer_id = fields.Integer(allow_none=True)
    reviewed_at = Moment(allow_none=True)
    created_at = Moment()


class RevisionItem(RevisionOut):
    """One item of a list (a schema of its own, so the document names both once)."""


class RevisionList(Schema):
    items = fields.List(fields.Nested(RevisionItem))


class RevisionIn(Schema):
    title = Text(required=True, max_length=200, validate=validate.Length(min=1))
    body_md = Text(required=True)
    tags = fields.List(Text(max_length=40), load_default=list, validate=validate.Length(max=20))
    comment = Text(max_length=500, load_default="")
    significance = fields.String(
        load_default="minor",
        validate=validate.OneOf(["minor", "major"]),
        metadata={
            "description": "for source-language edits: a published major one outdates the translations"
        },
    )


# -- marketing ---------------------------------------------------------------------------------


class OfferOut(Schema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()
    url = fields.String()
    status = fields.String()
    phrases = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    segments = fields.List(fields.String())
    product_kind = fields.String()
    active_from = fields.Date(allow_none=True)
    active_until = fields.Date(allow_none=True)


class OfferItem(OfferOut):
    """One item of a list (a schema of its own, so the document names both once)."""


def _language_lists(**kwargs: Any) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(["en", "pl", "cs", "ru"])),
        values=fields.List(Text(max_length=120), validate=validate.Length(max=50)),
        **kwargs,
    )


class OfferIn(Schema):
    code = Text(required=True, max_length=80, metadata={"example": "washing-machine"})
    title = Text(max_length=160, load_default="")
    url = Text(required=True, max_length=500, metadata={"example": "https://shop.example.com/washers"})
    phrases = _language_lists(required=True, metadata={"example": {"en": ["washing machine"]}})
    require_context = _language_lists(load_default=dict)
    exclude_context = _language_lists(load_default=dict)
    segments = fields.List(Text(max_length=40), load_default=list, validate=validate.Length(max=20))
    product_kind = Text(max_length=60, load_default="")
    active_from = fields.Date(allow_none=True, load_default=None)
    active_until = fields.Date(allow_none=True, load_default=None)


class OfferPatch(Schema):
    title = Text(max_length=160)
    url = Text(max_length=500)
    phrases = _language_lists()
    require_context = _language_lists()
    exclude_context = _language_lists()
    segments = fields.List(Text(max_length=40), validate=validate.Length(max=20))
    product_kind = Text(max_length=60)
    active_from = fields.Date(allow_none=True)
    active_until = fields.Date(allow_none=True)
    status = fields.String(validate=validate.OneOf(["active", "paused", "archived"]))


class OfferPage(PageOut):
    items = fields.List(fields.Nested(OfferItem))


class SuggestionQuery(CursorQuery):
    state = fields.String(validate=validate.OneOf([s.value for s in SuggestionState]))
    sort = _sort(["id", "-id"], "id")


class SuggestionOut(Schema):
    id = fields.Integer()
    article_id = fields.Integer()
    revision_id = fields.Integer()
    offer = fields.String(attribute="offer.code")
    locale = fields.String()
    matched_text = fields.String()
    start = fields.Integer()
    end = fields.Integer()
    sentence = fields.String()
    reasons = fields.Method("_reason_texts", metadata={"description": "each reason's code form"})
    evidence = fields.Method("_evidence", metadata={"description": "each reason as data"})
    state = fields.String()
    reviewer_id = fields.Integer(allow_none=True)
    reviewed_at = Moment(allow_none=True)

    def _reason_texts(self, suggestion) -> list[str]:
        return [text_of(reason) for reason in suggestion.reasons or []]

    def _evidence(self, suggestion) -> list[dict]:
        return [stored_reason(reason).to_dict() for reason in suggestion.reasons or []]


class SuggestionItem(SuggestionOut):
    """One item of a list (a schema of its own, so the document names both once)."""


class SuggestionPage(PageOut):
    items = fields.List(fields.Nested(SuggestionItem))


class ScanIn(Schema):
    text = Text(max_length=200_000, metadata={"description": "plain text (give text or html)"})
    html = Text(max_length=200_000, metadata={"description": "an HTML document"})
    title = Text(max_length=500, metadata={"description": "the document's title: context for all of it"})
    lang = fields.String(
        validate=validate.OneOf(["en", "pl", "cs", "ru"]), metadata={"description": "detected when absent"}
    )


class DecisionOut(Schema):
    offer = fields.String()
    start = fields.Integer()
    end = fields.Integer()
    text = fields.String()
    sentence = fields.String()
    reasons = fields.List(fields.String())
    evidence = fields.List(fields.Dict())


class ScanOut(Schema):
    lang = fields.String(allow_none=True)
    links = fields.List(fields.Nested(DecisionOut))
    blocked = fields.List(fields.Nested(DecisionOut))
    html = fields.String(metadata={"description": "html input only: the input with the links inserted"})
    truncated = fields.Boolean()
    warnings = fields.List(fields.String())


class KpiOut(Schema):
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    open = fields.Integer()
    overdue = fields.Integer()
    unassigned_open = fields.Integer()
    created_last_7_days = fields.Integer()
    average_rating = fields.Float(allow_none=True)


class MessageWithFilesOut(MessageOut):
    """A reply and the files filed with it."""

    attachments = fields.List(fields.Nested(AttachmentItem))


class CustomerCreated(CustomerOut):
    """A customer just created (a schema of its own, so the document names it once)."""


class OwnedProductCreated(OwnedProductOut):
    """A product just registered (a schema of its own, so the document names it once)."""


#: The most orders one API import takes (it fits the 1 MB body limit; more: several calls or the CSV file).
ORDERS_MAX_ITEMS = 2_000


class OrderItemIn(Schema):
    email = Text(required=True, max_length=254, metadata={"description": "the customer's account address"})
    order_ref = Text(required=True, max_length=200, metadata={"description": "unique per order"})
    total = fields.Raw(
        required=True, metadata={"description": 'an amount: 1299.9, "1299.90" or "1299,90"', "type": "string"}
    )
    ordered_on = Text(required=True, max_length=10, metadata={"description": "YYYY-MM-DD"})


class OrderImportIn(Schema):
    orders = fields.List(
        fields.Nested(OrderItemIn), required=True, validate=validate.Length(min=1, max=ORDERS_MAX_ITEMS)
    )
    partial = fields.Boolean(
        load_default=False,
        metadata={"description": "write the good orders even when some are bad (default: all or nothing)"},
    )


class OrderProblem(Schema):
    item = fields.Integer(metadata={"description": "position in `orders`, from 1"})
    reason = fields.String()


class OrderImportOut(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    written = fields.Boolean()
    errors = fields.List(fields.Nested(OrderProblem))
