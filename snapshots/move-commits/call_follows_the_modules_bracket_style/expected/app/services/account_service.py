"""Account service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Account


class AccountService:
    """Units of work for account: each method writes and commits."""

    @staticmethod
    def register_account(first_name, last_name, email_address, organisation_name):
        account = Account(
            first_name=first_name,
            last_name=last_name,
            email_address=email_address,
            organisation_name=organisation_name,
        )
        db.session.add(account)
        db.session.commit()
        return account
