"""Article search: one interface, two engines (Whoosh on disk, PostgreSQL full text)."""

from knowledge_base.search.base import SearchBackend, SearchDocument, SearchHit, SearchPage

__all__ = ["SearchBackend", "SearchDocument", "SearchHit", "SearchPage"]
