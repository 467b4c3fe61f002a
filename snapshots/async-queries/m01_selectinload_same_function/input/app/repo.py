from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User


def first_email(db: AsyncSession, uid):
    user = db.query(User).filter(User.id == uid).first()
    return user.addresses[0].email if user and user.addresses else None


def all_emails(db: AsyncSession):
    emails = []
    for user in db.query(User).order_by(User.id).all():
        emails.extend(a.email for a in user.addresses)
    return emails


def emails_of(user):
    return [a.email for a in user.addresses]


def addresses_by_name(db: AsyncSession, name):
    user = db.query(User).filter_by(name=name).one()
    return emails_of(user), user.addresses
