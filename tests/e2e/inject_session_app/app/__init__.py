"""A small FastAPI app whose export service is a module-level singleton with no session."""
