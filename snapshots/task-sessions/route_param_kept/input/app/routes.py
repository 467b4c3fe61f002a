from fastapi import APIRouter, BackgroundTasks, Depends
from sqlalchemy.orm import Session

from app.database import get_db, get_tenant_db
from app.tasks import export_orders, rebuild_index

router = APIRouter()


@router.post("/orders/export")
def export(tasks: BackgroundTasks, db: Session = Depends(get_tenant_db)):
    tasks.add_task(export_orders, db)
    return {}


@router.post("/index/rebuild")
def rebuild(tasks: BackgroundTasks, db: Session = Depends(get_db)):
    tasks.add_task(rebuild_index, db)
    return {}
