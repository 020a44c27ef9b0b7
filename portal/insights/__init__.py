"""The service dashboard: KPIs computed by SQL aggregates over a filtered set of requests."""
