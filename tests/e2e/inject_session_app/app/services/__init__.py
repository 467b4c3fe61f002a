"""Services of the app."""
