from sqlalchemy.ext.asyncio import AsyncSession


async def import_users(db: AsyncSession, users):
    db.bulk_save_objects(users)
    await db.commit()
