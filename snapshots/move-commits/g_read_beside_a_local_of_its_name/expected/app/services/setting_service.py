"""Setting service: units of work (database writes and their commits)."""

from app.extensions import db


class SettingService:
    """Units of work for setting: each method writes and commits."""

    @staticmethod
    def edit_account(form, current_account):
        account = form.update(current_account)
        db.session.add(account)
        db.session.commit()
        return account
