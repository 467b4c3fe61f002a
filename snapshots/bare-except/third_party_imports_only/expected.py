import logging

import requests
from flask import Flask

logger = logging.getLogger(__name__)

app = Flask(__name__)


@app.get("/health")
def health():
    try:
        requests.head("http://db:5432", timeout=1)
    except Exception:
        logger.exception("Suppressed exception")
    return "ok"
