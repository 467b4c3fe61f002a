from sqlalchemy.orm import Session


class Stores:
    def __init__(self, db: Session, tenant: int) -> None:
        self.db = db
        self.tenant = tenant


def open_stores(db: Session, tenant: int) -> Stores:
    return Stores(db, tenant)


def find_owner(db: Session, tenant: int) -> dict:
    return {"tenant": tenant}
