"""Extensions created unbound; `create_app` binds them."""

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

#: Reading pages that have no rate limit of their own and are served from caches. Their GET and
#: HEAD skip flask-limiter's per-request bookkeeping (a tenth of a cached article page's time).
#: Nothing is lost today (there are no default or application-wide limits); should such limits
#: be added, these pages stay outside them on purpose. Their POSTs (votes) keep their limits.
UNLIMITED_READING = frozenset({"kb.article", "kb.index"})


@limiter.request_filter
def _unlimited_reading_page() -> bool:
    return request.method in ("GET", "HEAD") and request.endpoint in UNLIMITED_READING
