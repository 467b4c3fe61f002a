"""Services of the user package."""
