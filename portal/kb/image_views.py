"""Article images: staff upload them from the editor; everyone reads them from this site.

Served same-origin (the CSP's `img-src 'self'` holds) under content-hash names, so a stored
image never changes and may be cached for a year.
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from knowledge_base.errors import FieldError
from portal import access, audit
from portal.access import Action
from portal.db import get_session
from portal.kb import images
from portal.kb.forms import ImageUploadForm
from portal.requests import limits as rate_limits
from portal.security import is_safe_redirect

bp = Blueprint("kb_images", __name__)
CACHE_SECONDS = 365 * 24 * 3600


def image_folder() -> Path:
    """Where article images are stored: the instance folder's kb-images."""
    return Path(current_app.instance_path) / "kb-images"


def image_limits() -> images.ImageLimits:
    """The configured upload limits."""
    config = current_app.config
    return images.ImageLimits(
        max_bytes=int(config["KB_IMAGE_MAX_BYTES"]),
        max_pixels=int(config["KB_IMAGE_MAX_PIXELS"]),
        max_side=int(config["KB_IMAGE_MAX_SIDE"]),
    )


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _answer(status: int, message: str, markdown: str = ""):
    """JSON for the editor's script; otherwise a flash message and back to the editor."""
    if _wants_json():
        body = {"markdown": markdown, "message": message} if markdown else {"error": message}
        return jsonify(body), status
    flash(f"{message} {markdown}".strip(), "success" if markdown else "error")
    target = request.form.get("next", "")
    return redirect(target if is_safe_redirect(target) else url_for("staff_kb.index"))


@bp.route("/staff/kb/images", methods=["POST"])
@access.requires(Action.CURATE_KB)
@rate_limits.staff_saves  # decoding images costs CPU: at most STAFF_RATE_LIMIT uploads per person
def upload():
    form = ImageUploadForm()
    if not form.validate_on_submit():
        return _answer(400, _("The form has expired; please try again."))
    file = form.image.data
    if not file:
        return _answer(400, _("Choose an image to upload."))
    try:
        image = images.process_image(file.read(image_limits().max_bytes + 1), image_limits())
    except FieldError as exc:
        return _answer(400, str(exc.message))
    name = images.store_image(image_folder(), image)
    db = get_session()
    audit.record(db, "kb.image_uploaded", actor=current_user, target=name, size=len(image.data))
    db.commit()
    markdown = images.markdown_reference(name, form.alt.data or "")
    return _answer(201, _("Image uploaded. Insert this in the text:"), markdown)


@bp.route("/kb/images/<name>")
def show(name: str):
    if not images.STORED_NAME.fullmatch(name):
        abort(404)
    extension = name[name.rindex(".") :]
    response = send_from_directory(
        image_folder(), name, mimetype=images.CONTENT_TYPES[extension], max_age=CACHE_SECONDS
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
