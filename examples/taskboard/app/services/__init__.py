"""Service layer: use cases that own their database transaction."""
