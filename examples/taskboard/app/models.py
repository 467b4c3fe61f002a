"""Projects hold tasks; tasks hold comments."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

#: the columns of the board, left to right.
STATUSES = ("todo", "doing", "done")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Project(db.Model):
    """A board: a named list of tasks."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)

    tasks: Mapped[list[Task]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Task.position"
    )

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a project."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "archived": self.archived,
            "created_at": self.created_at.isoformat(),
        }


class Task(db.Model):
    """A card on a board."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="todo")
    position: Mapped[int] = mapped_column(default=0)
    assignee: Mapped[str | None] = mapped_column(String(80))
    due_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)

    project: Mapped[Project] = relationship(back_populates="tasks")
    comments: Mapped[list[Comment]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="Comment.id"
    )

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a task."""
        return {
            "id": self.id,
            "project_id": self.project_id,
            "title": self.title,
            "status": self.status,
            "position": self.position,
            "assignee": self.assignee,
            "due_date": self.due_date.isoformat() if self.due_date else None,
        }


class Comment(db.Model):
    """A note on a task, written by a person or by the board itself."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    author: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)

    task: Mapped[Task] = relationship(back_populates="comments")

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a comment."""
        return {
            "id": self.id,
            "task_id": self.task_id,
            "author": self.author,
            "body": self.body,
            "created_at": self.created_at.isoformat(),
        }
