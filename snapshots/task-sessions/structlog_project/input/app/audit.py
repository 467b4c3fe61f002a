import structlog

logger = structlog.get_logger()


def record(event: str) -> None:
    logger.info("audit", event=event)
