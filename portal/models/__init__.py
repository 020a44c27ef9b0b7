"""Portal models; importing this package registers every table on the shared Base."""

from knowledge_base.db import Base
from portal.models.audit import AuditLog
from portal.models.catalog import Category, CustomerProduct, Product
from portal.models.users import Role, User

__all__ = ["AuditLog", "Base", "Category", "CustomerProduct", "Product", "Role", "User"]
