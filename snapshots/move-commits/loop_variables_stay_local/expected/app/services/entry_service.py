"""Entry service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Entry


class EntryService:
    """Units of work for entry: each method writes and commits."""

    @staticmethod
    def add_entries(entries):
        for key, value in entries.items():
            db.session.add(Entry(key=key, value=value))
        db.session.commit()
