from fastapi import BackgroundTasks, Depends, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

async_session = async_sessionmaker()
app = FastAPI()


async def get_db():
    async with async_session() as session:
        yield session


def send_report(report_id: int, db: AsyncSession) -> None:
    print(report_id, db)


@app.post("/reports/{report_id}/send")
async def send(report_id: int, tasks: BackgroundTasks, db: AsyncSession = Depends(get_db)):
    tasks.add_task(send_report, report_id, db)
    return {}
