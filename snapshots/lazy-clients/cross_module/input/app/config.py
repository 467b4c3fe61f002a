import os


class Settings:
    REDIS_URL = os.environ.get("REDIS_URL", "")
    SEARCH_URL = os.environ.get("SEARCH_URL", "")


settings = Settings()
