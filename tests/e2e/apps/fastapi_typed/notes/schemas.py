from pydantic import BaseModel, ConfigDict


class NoteIn(BaseModel):
    title: str
    body: str = ""


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str
    owner: str
    archived: bool


class TagIn(BaseModel):
    name: str
    color: str = "grey"
