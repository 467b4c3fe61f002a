"""Library service: units of work (database writes and their commits)."""

from app.extensions import db


class LibraryService:
    """Units of work for library: each method writes and commits."""

    @staticmethod
    def unpin_book(book):
        book.pinned = False
        db.session.commit()

    @staticmethod
    def pin_book(book):
        book.pinned = True
        db.session.commit()

    @staticmethod
    def unlock_book(book):
        book.is_locked = False
        db.session.commit()

    @staticmethod
    def lock_book(book):
        book.is_locked = True
        db.session.commit()

    @staticmethod
    def shelve_book(book):
        book.archived = True
        db.session.commit()

    @staticmethod
    def update_preferences(user):
        # Named for the page it saves: the method says that it writes.
        user.theme = "dark"
        user.locale = "en"
        db.session.commit()

    @staticmethod
    def reset_password(user):
        # Named verb last: the method says it verb first.
        user.password = "changed"
        db.session.commit()

    @staticmethod
    def mark_notice_read(notice):
        notice.is_read = True
        db.session.commit()
