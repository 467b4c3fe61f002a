from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.database import get_db
from api.services.event_service import EventService

router = APIRouter()


@router.post("/events")
async def record_event(request: Request, db: AsyncSession = Depends(get_db)):
    event = await EventService.record_event(
        db, client_host=request.client.host, payload=await request.json()
    )
    return {"id": event.id}
