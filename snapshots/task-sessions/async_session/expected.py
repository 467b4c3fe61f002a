import logging

from fastapi import BackgroundTasks, FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from models import Lead

logger = logging.getLogger(__name__)

engine = create_async_engine("sqlite+aiosqlite:///leads.db")
async_session = async_sessionmaker(engine, expire_on_commit=False)
app = FastAPI()


async def get_db():
    async with async_session() as session:
        yield session


async def score_lead(lead_id: int) -> None:
    async with async_session() as db:
        try:
            lead = await db.get(Lead, lead_id)
            lead.score = 10
            await db.commit()
        except Exception:
            await db.rollback()
            logger.exception("Background task score_lead failed")
            raise


@app.post("/leads/{lead_id}/score")
async def score(lead_id: int, background_tasks: BackgroundTasks):
    background_tasks.add_task(score_lead, lead_id)
    return {"queued": lead_id}
