from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    addresses = relationship("Address", back_populates="user")
    orders = relationship("Order", lazy="selectin")
    posts = relationship("Post", lazy="dynamic")
