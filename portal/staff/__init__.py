"""Support staff: request queue and article curation."""
