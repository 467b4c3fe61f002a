"""async-queries: ``self.<name>`` in a method of a class whose instances are never mapped (a
service holding its session as ``self.session``), or an attribute of an instance the function
builds of such a class, is no relationship read, whatever relationship another class calls
``<name>``; a mixin of a model may be that model, so its ``self`` still counts."""

from __future__ import annotations

from pathlib import Path

from testkit import scanned_lines

MODELS = (
    "from sqlalchemy import ForeignKey, select\n"
    "from sqlalchemy.ext.asyncio import AsyncSession\n"
    "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship\n"
    "\n\nclass Base(DeclarativeBase):\n    pass\n\n\n"
    "class Timestamps:\n"
    "    async def owner_name(self, db: AsyncSession):\n"
    "        await db.execute(select(Base))\n"
    "        return self.session.name  # lazy\n\n\n"
    "class ChatSession(Base):\n"
    "    __tablename__ = 'chat_sessions'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    name: Mapped[str]\n\n\n"
    "class Chat(Timestamps, Base):\n"
    "    __tablename__ = 'chats'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    title: Mapped[str]\n"
    "    session_id: Mapped[int] = mapped_column(ForeignKey('chat_sessions.id'))\n"
    "    session: Mapped[ChatSession] = relationship()\n"
)

SERVICES = (
    "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
    "from app.models import Chat\n\n\n"
    "class ChatService:\n"
    "    def __init__(self, session: AsyncSession) -> None:\n"
    "        self.session = session\n\n"
    "    async def rename(self, chat_id: int, title: str) -> str:\n"
    "        chat = await self.session.get(Chat, chat_id)\n"
    "        chat.title = title\n"
    "        await self.session.commit()\n\n"
    "        async def again() -> None:\n"
    "            await self.session.flush()\n\n"
    "        await again()\n"
    "        return chat.session.name  # lazy\n\n\n"
    "async def handler(session: AsyncSession) -> None:\n"
    "    svc = ChatService(session)\n"
    "    await svc.session.flush()\n"
)


def _lazy_load_lines(root: Path, services: str = SERVICES) -> dict[str, list[int]]:
    """The lines of each file that a scan reports as possible lazy loads (a line twice when it
    is reported twice)."""
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/services.py": services}
    return scanned_lines(root, files, "async-queries", "lazy load")


def _lines_ending(text: str, comment: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.endswith(comment)]


def test_a_services_own_attributes_are_no_lazy_loads(tmp_path: Path) -> None:
    assert _lazy_load_lines(tmp_path) == {
        "app/models.py": _lines_ending(MODELS, "# lazy"),
        "app/services.py": _lines_ending(SERVICES, "# lazy"),
    }


def test_a_read_in_a_nested_function_is_reported_once(tmp_path: Path) -> None:
    """Under the nested function that reads it, not also under the function that defines it."""
    services = (
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
        "from app.models import Chat\n\n\n"
        "async def export(session: AsyncSession, chat_id: int) -> str:\n"
        "    chat = await session.get(Chat, chat_id)\n\n"
        "    async def name() -> str:\n"
        "        await session.flush()\n"
        "        return chat.session.name  # lazy\n\n"
        "    return await name()\n"
    )
    found = _lazy_load_lines(tmp_path, services)
    assert found["app/services.py"] == _lines_ending(services, "# lazy")
