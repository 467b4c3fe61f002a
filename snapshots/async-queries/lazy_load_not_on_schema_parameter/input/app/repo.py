from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User
from app.schemas import UserIn


async def rename(db: AsyncSession, uid: int, data: UserIn) -> int:
    user = db.query(User).get(uid)
    user.name = data.name
    return len(data.addresses)
