"""Arrange offers, a published article and its suggestions."""

from knowledge_base import workflow
from portal.marketing import linking
from portal.models import Offer, Product, RequestStatus, ServiceRequest
from tests.integration.kb_helpers import publish_article

BODY = (
    "Clean the pump filter of your washing machine every three months.\n\n"
    "Place the router high on a shelf for a better signal."
)


def offer(db, code="washing-machine", phrase="washing machine", kind="washing-machine", **extra) -> Offer:
    item = Offer(
        code=code,
        title=code.title(),
        url=extra.pop("url", f"https://shop.example.com/{code}"),
        phrases={"en": [phrase]},
        product_kind=kind,
        **extra,
    )
    db.add(item)
    db.commit()
    return item


def article_with_suggestions(app, db, body=BODY):
    offer(db)
    offer(db, code="router", phrase="router", kind="router")
    article = publish_article(app, db, slug="care", title="Care tips", body=body)
    with app.app_context():
        suggestions = linking.scan_article(db, article)
    db.commit()
    return article, {s.offer.code: s for s in suggestions}


def open_request_about(db, customer, kind="washing-machine"):
    product = Product(sku=f"SKU-{kind}", name=kind, kind=kind)
    db.add(product)
    db.flush()
    db.add(
        ServiceRequest(
            reference=f"SR-2026-9{customer.id:05d}",
            customer_id=customer.id,
            subject="Broken",
            description="It broke",
            product_id=product.id,
            status=RequestStatus.OPEN,
        )
    )
    db.commit()


def new_revision(app, db, article, body):
    revision = workflow.save_revision(db, article, workflow.Draft(article.title, body, ["router"]), None)
    workflow.submit_for_review(db, revision)  # publishing needs the in-review state (KB hardening)
    workflow.publish(db, revision, None)
    db.commit()
    with app.app_context():
        suggestions = linking.scan_article(db, article)
    db.commit()
    return {s.offer.code: s for s in suggestions}
