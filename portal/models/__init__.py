"""Portal models; importing this package registers every table on the shared Base."""

from knowledge_base.db import Base
from knowledge_base.models import Article, ArticleFeedback, ArticleRevision, ArticleStatus, DeflectionEvent
from portal.models.audit import AuditLog
from portal.models.catalog import Category, CustomerProduct, Product
from portal.models.marketing import BlockTerm, LinkEvent, LinkSuggestion, Offer, OfferStatus, SuggestionState
from portal.models.perf import ArticleTag
from portal.models.requests import (
    Attachment,
    CannedResponse,
    Priority,
    ReferenceCounter,
    RequestEvent,
    RequestMessage,
    RequestStatus,
    ServiceRequest,
    SlaPolicy,
)
from portal.models.users import Role, User

__all__ = [
    "BlockTerm",
    "LinkEvent",
    "LinkSuggestion",
    "Offer",
    "OfferStatus",
    "SuggestionState",
    "Article",
    "ArticleTag",
    "ArticleFeedback",
    "ArticleRevision",
    "ArticleStatus",
    "DeflectionEvent",
    "Attachment",
    "AuditLog",
    "Base",
    "CannedResponse",
    "Category",
    "CustomerProduct",
    "Priority",
    "Product",
    "ReferenceCounter",
    "RequestEvent",
    "RequestMessage",
    "RequestStatus",
    "Role",
    "ServiceRequest",
    "SlaPolicy",
    "User",
]
