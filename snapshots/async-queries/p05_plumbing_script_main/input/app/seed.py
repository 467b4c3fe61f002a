"""Seed the database: python -m app.seed"""

from app.db import SessionLocal
from app.models import Item


def seed():
    with SessionLocal() as db:
        if db.query(Item).count() == 0:
            db.add(Item(name="first"))
            db.commit()


def main():
    seed()
    print("seeded")


if __name__ == "__main__":
    main()
