from pydantic import BaseModel


class EntryIn(BaseModel):
    title: str
    body: str
