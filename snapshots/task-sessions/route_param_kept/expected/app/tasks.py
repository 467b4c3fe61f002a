import logging

from app.database import SessionLocal

logger = logging.getLogger(__name__)


def export_orders() -> None:
    with SessionLocal() as db:
        try:
            db.execute(EXPORT)
            db.commit()
        except Exception:
            db.rollback()
            logger.exception("Background task export_orders failed")
            raise


def rebuild_index() -> None:
    with SessionLocal() as db:
        try:
            db.execute(REINDEX)
            db.commit()
        except Exception:
            db.rollback()
            logger.exception("Background task rebuild_index failed")
            raise
