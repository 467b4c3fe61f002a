"""A tiny job tracker: routes hand work to background tasks."""
