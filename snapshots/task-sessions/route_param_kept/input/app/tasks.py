from sqlalchemy.orm import Session


def export_orders(db: Session) -> None:
    db.execute(EXPORT)


def rebuild_index(db: Session) -> None:
    db.execute(REINDEX)
