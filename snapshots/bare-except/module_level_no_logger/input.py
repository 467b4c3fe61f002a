"""Settings with optional local overrides."""

import os

DEBUG = os.environ.get("DEBUG") == "1"

try:
    from local_settings import *  # noqa: F403
except:
    pass


def port():
    try:
        return int(os.environ["PORT"])
    except:
        pass
