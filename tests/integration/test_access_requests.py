"""Customer request pages and attachment downloads answer only to those allowed."""

import io

from sqlalchemy import select

from portal.models import Attachment, RequestMessage, ServiceRequest
from tests.conftest import csrf_token
from tests.integration.requests_helpers import catalog, png_bytes


def new_request_with_photo(client_as, db) -> tuple[ServiceRequest, Attachment]:
    """The customer raises a request with a real stored attachment, through the form."""
    catalog(db)
    db.commit()
    customer = client_as("customer")
    data = {
        "subject": "Washer leaks",
        "description": "Water under the machine.",
        "category": "laundry",
        "product": "",
        "priority": "normal",
        "csrf_token": csrf_token(customer, "/requests/new"),
        "attachments": [(io.BytesIO(png_bytes()), "leak.png")],
    }
    response = customer.post("/requests/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    req = db.scalar(select(ServiceRequest))
    return req, req.attachments[0]


def test_another_customer_never_gets_a_stored_attachment(client_as, db, users):
    _req, attachment = new_request_with_photo(client_as, db)
    for url in (f"/attachments/{attachment.id}", f"/attachments/{attachment.id}?preview=1"):
        with client_as("customer2").get(url) as response:
            assert response.status_code == 404 and png_bytes() not in response.get_data()
        with client_as("marketer").get(url) as response:
            assert response.status_code == 404
        with client_as("customer").get(url) as response:
            assert response.status_code == 200 and response.get_data() == png_bytes()
        with client_as("agent").get(url) as response:
            assert response.status_code == 200


def test_staff_do_not_act_through_the_customers_pages(client_as, db, users):
    req, _attachment = new_request_with_photo(client_as, db)
    agent = client_as("agent")
    assert agent.get(f"/requests/{req.reference}").status_code == 404
    token = csrf_token(agent, "/staff/requests")
    for action in ("reply", "close"):
        response = agent.post(f"/requests/{req.reference}/{action}", data={"csrf_token": token, "body": "hi"})
        assert response.status_code == 404
    db.expire_all()
    assert db.scalars(select(RequestMessage)).all() == []
    assert db.get(ServiceRequest, req.id).status == req.status
