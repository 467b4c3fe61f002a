"""Event service: units of work (database writes and their commits)."""

from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Event


class EventService:
    """Units of work for event: each method writes and commits."""

    @staticmethod
    async def record_event(db: AsyncSession, client_host, payload) -> Event:
        event = Event(kind="webhook", source=client_host)
        event.payload = payload
        db.add(event)
        await db.commit()
        return event
