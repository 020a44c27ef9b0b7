"""Which articles a customer read, written at most once a minute per customer and article.

Every article page read by a logged-in customer used to upsert its `article_reads` row and trim
the customer's oldest rows: two writes and a write transaction per page view, although a reload
changes nothing anyone reads (staff see when an article was read, to the minute). Each worker
remembers when it last wrote each (customer, article) pair, in a bounded per-app LRU, and skips
the write within READ_REFRESH_SECONDS. Another worker may write the same pair once more: the
rows stay right, the saving is per worker.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import current_app
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.models import Article
from portal.customers import picture
from portal.models import User

READ_REFRESH_SECONDS = 60.0
#: (customer, article) pairs a worker remembers; the oldest is forgotten first.
RECENT_LIMIT = 20000


class RecentReads:
    """When this worker last wrote each (user id, article id) read."""

    def __init__(self, refresh_seconds: float = READ_REFRESH_SECONDS, clock=time.monotonic) -> None:
        self._written: OrderedDict[tuple[int, int], float] = OrderedDict()
        self._refresh = refresh_seconds
        self._clock = clock
        self._lock = threading.Lock()

    def due(self, user_id: int, article_id: int) -> bool:
        """True (and remembered as written now) if this read should be written."""
        key, now = (user_id, article_id), self._clock()
        with self._lock:
            last = self._written.get(key)
            if last is not None and now - last < self._refresh:
                return False
            self._written[key] = now
            self._written.move_to_end(key)
            while len(self._written) > RECENT_LIMIT:
                self._written.popitem(last=False)
            return True


def note_read(session: Session, user: User, article: Article) -> None:
    """Record that `user` read `article` unless this worker did so in the last minute (caller commits)."""
    app = current_app._get_current_object()
    recent = app.extensions.get("kb_recent_reads")
    if recent is None:
        recent = app.extensions["kb_recent_reads"] = RecentReads()
    if recent.due(user.id, article.id):
        picture.record_read(session, user, article, utcnow())
