"""Customers and their products (staff), categories, articles and revisions."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_login import current_user
from sqlalchemy import func, or_, select

from knowledge_base import workflow
from knowledge_base.errors import FieldError
from knowledge_base.models import Article, ArticleRevision, ArticleStatus, Significance
from portal import access, categories
from portal.api.auth import scope
from portal.api.blueprint import bp
from portal.api.errors import api_error
from portal.api.idempotency import idempotent
from portal.api.pagination import Sort, paginate
from portal.api.schemas import (
    ArticleOut,
    ArticlePage,
    ArticleQuery,
    CategoryIn,
    CategoryList,
    CategoryOut,
    CategoryPatch,
    CustomerCreated,
    CustomerDetail,
    CustomerIn,
    CustomerOut,
    CustomerPage,
    CustomerQuery,
    OwnedProductCreated,
    ProductList,
    RegistrationIn,
    ReviewIn,
    RevisionIn,
    RevisionList,
    RevisionOut,
)
from portal.customers import registry
from portal.db import get_session
from portal.kb import review
from portal.models import Category, CustomerProduct, Role, User
from portal.requests import on_behalf


def _require(action: access.Action) -> None:
    if not access.allows(current_user, action):
        raise api_error(403, "Your role may not use this part of the API.")


# -- customers (staff) ---------------------------------------------------------------------------


@bp.get("/customers")
@bp.input(CustomerQuery, location="query")
@bp.output(CustomerPage)
@bp.doc(tags=["Customers"])
@scope("customers:read")
def list_customers(query_data: dict[str, Any]):
    """Customers, for staff who work the request queue."""
    _require(access.Action.WORK_QUEUE)
    query = select(User).where(User.role == Role.CUSTOMER)
    if query_data.get("q"):
        pattern = f"%{query_data['q'].lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern)))
    page = paginate(
        get_session(),
        query,
        Sort(User.id, User.id, query_data["sort"] == "-id", "int"),
        query_data.get("cursor"),
        query_data["limit"],
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


def _customer(customer_id: int) -> User:
    _require(access.Action.WORK_QUEUE)
    found = get_session().get(User, customer_id)
    if found is None or found.role != Role.CUSTOMER:
        raise api_error(404, "No such customer.")
    return found


def _products(customer: User) -> list[CustomerProduct]:
    return list(
        get_session().scalars(
            select(CustomerProduct).where(CustomerProduct.user_id == customer.id).order_by(CustomerProduct.id)
        )
    )


@bp.get("/customers/<int:customer_id>")
@bp.output(CustomerDetail)
@bp.doc(tags=["Customers"])
@scope("customers:read")
def get_customer(customer_id: int):
    """One customer with the products they own."""
    customer = _customer(customer_id)
    return {
        **{name: getattr(customer, name) for name in CustomerOut().fields},
        "products": _products(customer),
    }


@bp.get("/customers/<int:customer_id>/products")
@bp.output(ProductList)
@bp.doc(tags=["Customers"])
@scope("customers:read")
def list_customer_products(customer_id: int):
    """The products a customer owns."""
    return {"items": _products(_customer(customer_id))}


@bp.post("/customers")
@idempotent
@bp.input(CustomerIn, location="json")
@bp.output(CustomerCreated, status_code=201)
@bp.doc(tags=["Customers"], responses={403: "Staff only", 409: "The address is taken", 422: "Invalid input"})
@scope("customers:write")
def create_customer(json_data: dict[str, Any]):
    """Create a customer on their behalf, as /staff/requests/new does (unconfirmed, random password)."""
    _require(access.Action.WORK_QUEUE)
    db = get_session()
    customer, is_new = on_behalf.find_or_create_customer(
        db, current_user, json_data["email"], json_data["name"], current_app.config["ARGON2_PARAMS"]
    )
    if not is_new:
        db.rollback()
        raise api_error(409, "A customer with this address exists already.")
    db.commit()
    return customer, 201, {"Location": f"/api/v1/customers/{customer.id}"}


@bp.post("/customers/<int:customer_id>/products")
@idempotent
@bp.input(RegistrationIn, location="json")
@bp.output(OwnedProductCreated, status_code=201)
@bp.doc(tags=["Customers"], responses={403: "Staff only", 422: "Invalid input"})
@scope("customers:write")
def register_customer_product(customer_id: int, json_data: dict[str, Any]):
    """Register a product for a customer: the account page's checks (serial pattern, dates, duplicates)."""
    from datetime import date

    customer = _customer(customer_id)
    db = get_session()
    data = registry.Registration(
        product_id=json_data["product_id"],
        serial_number=json_data["serial_number"],
        purchased_on=json_data["purchased_on"],
    )
    folder = registry.receipt_folder(current_app.config["INSTANCE_PATH"])
    owned = registry.register(db, customer, data, folder, date.today())
    db.commit()
    return owned, 201


# -- knowledge base ------------------------------------------------------------------------------


@bp.get("/categories")
@bp.output(CategoryList)
@bp.doc(tags=["Knowledge base"])
@scope("kb:read")
def list_categories():
    """Every category (articles and requests share them)."""
    return {"items": list(get_session().scalars(select(Category).order_by(Category.slug)))}


_CATEGORY_ERRORS = {403: "Admins only", 409: "The slug is taken", 422: "Invalid input"}


@bp.post("/categories")
@idempotent
@bp.input(CategoryIn, location="json")
@bp.output(CategoryOut, status_code=201)
@bp.doc(tags=["Knowledge base"], responses=_CATEGORY_ERRORS)
@scope("catalog:write")
def create_category(json_data: dict[str, Any]):
    """Create a category (admins): a unique slug, and a parent that is a top-level category."""
    _require(access.Action.ADMINISTER)
    db = get_session()
    change = categories.CategoryChange(json_data["slug"], json_data["name"], json_data["parent"])
    category = categories.create_category(db, current_user, change)
    db.commit()
    return category, 201, {"Location": f"/api/v1/categories/{category.id}"}


@bp.patch("/categories/<int:category_id>")
@idempotent
@bp.input(CategoryPatch, location="json")
@bp.output(CategoryOut)
@bp.doc(tags=["Knowledge base"], responses=_CATEGORY_ERRORS)
@scope("catalog:write")
def update_category(category_id: int, json_data: dict[str, Any]):
    """Change a category's slug, name or parent (admins); the fields left out stay as they are."""
    _require(access.Action.ADMINISTER)
    db = get_session()
    key = access.valid_id(category_id)
    category = db.get(Category, key) if key else None
    if category is None:
        raise api_error(404, "No such category.")
    change = categories.CategoryChange(json_data.get("slug"), json_data.get("name"), json_data.get("parent"))
    categories.update_category(db, current_user, category, change)
    db.commit()
    return category


def _curator() -> bool:
    return access.allows(current_user, access.Action.CURATE_KB)


@bp.get("/articles")
@bp.input(ArticleQuery, location="query")
@bp.output(ArticlePage)
@bp.doc(tags=["Knowledge base"])
@scope("kb:read")
def list_articles(query_data: dict[str, Any]):
    """Articles: published ones, or (curators) any status."""
    query = select(Article)
    if _curator() and query_data.get("status"):
        query = query.where(Article.status == ArticleStatus(query_data["status"]))
    elif not _curator():
        query = query.where(Article.status == ArticleStatus.PUBLISHED)
    if query_data.get("locale"):
        query = query.where(Article.locale == query_data["locale"])
    if query_data.get("category"):
        slug = query_data["category"]
        query = query.join(Category, Article.category_id == Category.id).where(
            or_(Category.slug == slug, Category.parent.has(slug=slug))
        )
    page = paginate(
        get_session(),
        query,
        Sort(Article.id, Article.id, query_data["sort"] == "-id", "int"),
        query_data.get("cursor"),
        query_data["limit"],
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


def _article(article_id: int, action: access.Action = access.Action.VIEW) -> Article:
    """An article the token's owner may see: published for everyone, any for curators."""
    key = access.valid_id(article_id)
    found = get_session().get(Article, key) if key else None
    if found is None or (found.status != ArticleStatus.PUBLISHED and not _curator()):
        raise api_error(404, "No such article.")
    if action != access.Action.VIEW:
        return access.check(found, action)
    return found


@bp.get("/articles/<int:article_id>")
@bp.output(ArticleOut)
@bp.doc(tags=["Knowledge base"])
@scope("kb:read")
def get_article(article_id: int):
    """One article (its published text)."""
    return _article(article_id)


@bp.get("/articles/<int:article_id>/revisions")
@bp.output(RevisionList)
@bp.doc(tags=["Knowledge base"])
@scope("kb:read")
def list_revisions(article_id: int):
    """Every revision of an article (curators)."""
    _require(access.Action.CURATE_KB)
    return {"items": list(_article(article_id, access.Action.EDIT).revisions)}


@bp.get("/revisions/<int:revision_id>")
@bp.output(RevisionOut)
@bp.doc(tags=["Knowledge base"])
@scope("kb:read")
def get_revision(revision_id: int):
    """One revision (curators)."""
    _require(access.Action.CURATE_KB)
    return access.load(ArticleRevision, revision_id, access.Action.VIEW)


@bp.post("/articles/<int:article_id>/revisions")
@idempotent
@bp.input(RevisionIn, location="json")
@bp.output(RevisionOut, status_code=201)
@bp.doc(tags=["Knowledge base"], responses={403: "Curators only", 409: "Conflict", 422: "Invalid input"})
@scope("kb:write")
def create_revision(article_id: int, json_data: dict[str, Any]):
    """Save a new draft revision of an article (the published one stays live until review)."""
    _require(access.Action.CURATE_KB)
    db = get_session()
    article = _article(article_id, access.Action.EDIT)
    draft = workflow.Draft(
        title=json_data["title"],
        body_md=json_data["body_md"],
        tags=json_data["tags"],
        comment=json_data["comment"],
        significance=Significance(json_data["significance"]),
    )
    revision = workflow.save_revision(db, article, draft, current_user.id)
    db.commit()
    return revision, 201


def _revision_of(article_id: int, revision_id: int) -> ArticleRevision:
    """A revision of an article the curator may edit (404 for another article's revision)."""
    article = _article(article_id, access.Action.EDIT)
    key = access.valid_id(revision_id)
    revision = get_session().get(ArticleRevision, key) if key else None
    if revision is None or revision.article_id != article.id:
        raise api_error(404, "No such revision of this article.")
    return revision


@bp.post("/articles/<int:article_id>/revisions/<int:revision_id>/submit")
@idempotent
@bp.output(RevisionOut)
@bp.doc(tags=["Knowledge base"], responses={403: "Curators only", 404: "No such revision", 422: "Not draft"})
@scope("kb:write")
def submit_revision(article_id: int, revision_id: int):
    """Send a draft (or sent-back) revision for review, as the staff page's Submit button does."""
    _require(access.Action.CURATE_KB)
    db = get_session()
    revision = _revision_of(article_id, revision_id)
    workflow.submit_for_review(db, revision)
    db.commit()
    return revision


def _reviewed(revision: ArticleRevision, comment: str, decide) -> ArticleRevision:
    db = get_session()
    try:
        article = decide(db, revision, current_user, comment)
    except FieldError as exc:
        db.rollback()
        if exc.field == "review_comment":
            exc.field = "comment"
        raise
    db.commit()
    review.after_commit(article, revision)
    return revision


@bp.post("/articles/<int:article_id>/revisions/<int:revision_id>/approve")
@idempotent
@bp.input(ReviewIn, location="json")
@bp.output(RevisionOut)
@bp.doc(
    tags=["Knowledge base"],
    responses={403: "Reviewers only; under four-eyes not the author", 422: "Not in review"},
)
@scope("kb:review")
def approve_revision(article_id: int, revision_id: int, json_data: dict[str, Any]):
    """Approve and publish a revision in review; fires the `article.published` webhook."""
    _require(access.Action.REVIEW_KB)
    return _reviewed(_revision_of(article_id, revision_id), json_data["comment"], review.approve)


@bp.post("/articles/<int:article_id>/revisions/<int:revision_id>/reject")
@idempotent
@bp.input(ReviewIn, location="json")
@bp.output(RevisionOut)
@bp.doc(tags=["Knowledge base"], responses={403: "Reviewers only", 422: "Not in review, or no comment"})
@scope("kb:review")
def reject_revision(article_id: int, revision_id: int, json_data: dict[str, Any]):
    """Send a revision in review back to its author with a comment (required); the live text stays."""
    _require(access.Action.REVIEW_KB)
    return _reviewed(_revision_of(article_id, revision_id), json_data["comment"], review.send_back)
