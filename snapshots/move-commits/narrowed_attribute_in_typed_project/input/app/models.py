from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Member(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    avatar: Mapped[str | None] = mapped_column(default=None)
    nickname: Mapped[str | None] = mapped_column(default=None)
