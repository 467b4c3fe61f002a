import os

PAGER_TOKEN = os.environ.get("PAGER_TOKEN", "")
