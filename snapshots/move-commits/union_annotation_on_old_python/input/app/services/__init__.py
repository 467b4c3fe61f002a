"""Units of work."""
