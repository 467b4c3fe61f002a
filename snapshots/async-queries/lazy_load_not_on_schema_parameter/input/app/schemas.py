from pydantic import BaseModel


class UserIn(BaseModel):
    name: str
    addresses: list[str]
