from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.database import get_db
from api.models import Event

router = APIRouter()


@router.post("/events")
async def record_event(request: Request, db: AsyncSession = Depends(get_db)):
    event = Event(kind="webhook", source=request.client.host)
    event.payload = await request.json()
    db.add(event)
    await db.commit()
    return {"id": event.id}
