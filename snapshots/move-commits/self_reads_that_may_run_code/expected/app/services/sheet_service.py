"""Sheet service: units of work (database writes and their commits)."""

from app.models import db


class SheetService:
    """Units of work for sheet: each method writes and commits."""

    @staticmethod
    def archive_sheets(sheet, storage, archive_status):
        for page in sheet.pages:
            if not page.shared:
                storage.close(page)
                sheet.status = archive_status
        db.session.commit()
