import logging

logger = logging.getLogger(__name__)


def migrate(conn, steps):
    try:
        for step in steps:
            try:
                step.apply(conn)
            except BaseException:
                try:
                    step.revert(conn)
                except Exception:
                    logger.exception("Suppressed exception")
                raise
    except BaseException:
        conn.rollback()
        raise
    else:
        conn.commit()
