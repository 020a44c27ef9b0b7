"""Knowledge base: the shared declarative base, articles, rendering and search."""
