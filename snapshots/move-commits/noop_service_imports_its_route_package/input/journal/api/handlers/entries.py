from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from ...database import get_session
from ...models import Entry
from .. import schemas

router = APIRouter()


@router.post("/entries")
async def create_entry(
    payload: schemas.EntryIn, session: AsyncSession = Depends(get_session)
) -> dict[str, int]:
    entry = Entry(title=payload.title, body=payload.body)
    session.add(entry)
    await session.commit()
    return {"id": entry.id}
