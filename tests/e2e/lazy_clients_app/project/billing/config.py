"""Settings read from the environment."""

import os

PAYMENTS_TIMEOUT = float(os.getenv("PAYMENTS_TIMEOUT", "5"))
