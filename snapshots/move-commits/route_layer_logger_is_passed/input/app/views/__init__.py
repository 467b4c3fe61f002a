import logging

logger = logging.getLogger("app.views")
