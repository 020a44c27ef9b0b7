"""The home page."""

from flask import Blueprint, render_template

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    return render_template("main/home.html")


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}
