"""Settings."""


class Settings:
    """The settings."""

    CACHE_URL = "redis://localhost:6379/0"


settings = Settings()
