"""Marketing console: offers, link review, blocklists, reports."""
