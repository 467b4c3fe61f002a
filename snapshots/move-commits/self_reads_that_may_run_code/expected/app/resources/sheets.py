import logging

from flask_restful import Resource

from app.models import db
from app.services.sheet_service import SheetService
from app.storage import Storage

logger = logging.getLogger(__name__)


class SheetResource(Resource):
    @property
    def storage(self):
        # a new client on each access: it connects, and may fail
        return Storage()

    def delete(self, sheet):
        sheet.status = "deleted"
        for page in sheet.pages:
            if page.shared:
                continue
            try:
                self.storage.close(page)
            except Exception as error:
                logger.warning("close failed: %s", error)
        db.session.commit()
        return "", 204


class ArchiveResource(Resource):
    archive_status = "archived"

    def __init__(self):
        self.storage = Storage()

    def delete(self, sheet):
        SheetService.archive_sheets(
            sheet, storage=self.storage, archive_status=self.archive_status
        )
        return "", 204


class SheetSettingsResource(Resource):
    @property
    def current_sheet(self):
        return Storage().current()

    def post(self, values):
        for key, value in values.items():
            self.current_sheet.set_option(key, value)
        db.session.add(self.current_sheet)
        db.session.commit()
        return "", 204
