from legacy.db import SessionLocal


def sync_orders(shop_id: int, db) -> None:
    legacy = SessionLocal()
    db.add_all(legacy.fetch_orders(shop_id))
