"""Models and data shared by the legacy and rewritten query functions."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base."""


class User(Base):
    """A user with several addresses."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    active: Mapped[bool] = mapped_column(default=True)
    addresses: Mapped[list[Address]] = relationship(back_populates="user", order_by="Address.id")


class Address(Base):
    """An e-mail address of a user."""

    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    email: Mapped[str]
    user: Mapped[User] = relationship(back_populates="addresses")


def seed(session: Session) -> None:
    """Duplicate names, users with 0, 1 and 2 addresses, active and inactive users."""
    session.add_all(
        [
            User(id=1, name="ann", active=True),
            User(id=2, name="bob", active=True),
            User(id=3, name="cid", active=False),
            User(id=4, name="ann", active=False),
            Address(id=1, user_id=1, email="a1@x"),
            Address(id=2, user_id=1, email="a2@y"),
            Address(id=3, user_id=2, email="b1@x"),
        ]
    )
    session.commit()
