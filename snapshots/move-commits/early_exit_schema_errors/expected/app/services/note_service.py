"""Note service: units of work (database writes and their commits)."""

from app.extensions import db


class NoteService:
    """Units of work for note: each method writes and commits."""

    @staticmethod
    def update_note(schema, data, note):
        result = schema.load(data, instance=note)
        if result.errors:
            return False, result

        db.session.commit()
        return True, result
