from fastapi import APIRouter, BackgroundTasks, Depends
from sqlalchemy.orm import Session

from app.database import get_db
from app.tasks import sync_orders

router = APIRouter()


@router.post("/shops/{shop_id}/sync")
def sync(shop_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):
    tasks.add_task(sync_orders, shop_id, db)
    return {}
