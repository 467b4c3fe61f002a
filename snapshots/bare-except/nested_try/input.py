import logging

logger = logging.getLogger(__name__)


def migrate(conn, steps):
    try:
        for step in steps:
            try:
                step.apply(conn)
            except:
                try:
                    step.revert(conn)
                except:
                    pass
                raise
    except:
        conn.rollback()
        raise
    else:
        conn.commit()
