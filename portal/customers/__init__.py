"""Customers: the whole picture for staff, the product registry, ABC classification and segments."""
