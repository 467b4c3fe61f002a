import os


class Settings:
    SEARCH_URL = os.environ.get("SEARCH_URL", "")


settings = Settings()
