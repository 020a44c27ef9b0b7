"""Portal models; importing this package registers every table on the shared Base."""

from knowledge_base.db import Base
from knowledge_base.models import Article, ArticleFeedback, ArticleRevision, ArticleStatus, DeflectionEvent
from portal.models.api import ApiToken, IdempotencyKey
from portal.models.audit import AuditLog
from portal.models.calendars import Calendar, Holiday
from portal.models.catalog import Category, CustomerProduct, Product
from portal.models.customer import (
    ArticleRead,
    ClassificationRun,
    ClassSlaPolicy,
    CustomerClass,
    CustomerNote,
    CustomerValue,
    OrderTotal,
    Segment,
)
from portal.models.insights import SearchLog
from portal.models.mail import InboundMail, InboundOutcome, MailBounce, Mailbox, MailSecurity, QuarantinedMail
from portal.models.mailout import AgentMailPreference, CategoryWatch, PortalSetting
from portal.models.marketing import (
    BlockTerm,
    LinkBlockReason,
    LinkEvent,
    LinkOverride,
    LinkSuggestion,
    Offer,
    OfferStatus,
    SuggestionState,
)
from portal.models.outbox import OutboxMessage, OutboxState
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
from portal.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookSubscription
from portal.models.workspace import SavedView, Tag, request_tags

__all__ = [
    "AgentMailPreference",
    "CategoryWatch",
    "OutboxMessage",
    "OutboxState",
    "PortalSetting",
    "ApiToken",
    "IdempotencyKey",
    "ArticleRead",
    "ClassificationRun",
    "ClassSlaPolicy",
    "CustomerClass",
    "CustomerNote",
    "CustomerValue",
    "OrderTotal",
    "Segment",
    "BlockTerm",
    "LinkBlockReason",
    "LinkEvent",
    "LinkOverride",
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
    "InboundMail",
    "InboundOutcome",
    "Mailbox",
    "MailBounce",
    "MailSecurity",
    "QuarantinedMail",
    "Attachment",
    "AuditLog",
    "Base",
    "Calendar",
    "CannedResponse",
    "Holiday",
    "Category",
    "CustomerProduct",
    "Priority",
    "Product",
    "ReferenceCounter",
    "SavedView",
    "Tag",
    "request_tags",
    "RequestEvent",
    "RequestMessage",
    "RequestStatus",
    "SearchLog",
    "Role",
    "ServiceRequest",
    "SlaPolicy",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
]
