from fastapi import APIRouter, Depends

from app import crud
from app.crud import create_user as make_user
from app.deps import get_db

router = APIRouter()


@router.get("/users/{user_id}")
async def read(user_id: int, db=Depends(get_db)):
    return await crud.get_user_or_fail(db, user_id)


@router.post("/users")
async def create(name: str, db=Depends(get_db)):
    return await make_user(db, name)
