from fastapi import APIRouter, HTTPException
from sqlalchemy import select

from notes.db import CurrentUser, SessionDep
from notes.models import Note, Tag
from notes.schemas import NoteIn, NoteOut, TagIn

router = APIRouter(prefix="/notes")


@router.post("/", status_code=201)
def create_note(
    note_in: NoteIn, session: SessionDep, current_user: CurrentUser
) -> NoteOut:
    # A note belongs to whoever wrote it.
    note = Note(title=note_in.title, body=note_in.body, owner=current_user)
    session.add(note)
    session.commit()
    return NoteOut.model_validate(note)


@router.patch("/{note_id}")
def rename_note(note_id: int, title: str, session: SessionDep) -> NoteOut:
    note = session.get(Note, note_id)
    if note is None:
        raise HTTPException(status_code=404, detail="note not found")
    note.title = title
    session.commit()
    return NoteOut.model_validate(note)


@router.post("/{note_id}/archive")
def archive(note_id: int, session: SessionDep) -> NoteOut:
    note = session.get(Note, note_id)
    if not note:
        raise HTTPException(status_code=404, detail="note not found")
    note.archive()
    session.commit()
    return NoteOut.model_validate(note)


@router.put("/{note_id}/body")
def replace_body(note_id: int, body: str, session: SessionDep) -> NoteOut:
    # The lookup runs through execute(), which the move counts as a write: the check of
    # what it found moves with it, and the route tests what the service returns.
    note = session.execute(select(Note).where(Note.id == note_id)).scalar_one_or_none()
    if note is None:
        raise HTTPException(status_code=404, detail="note not found")
    note.body = body
    session.commit()
    return NoteOut.model_validate(note)


@router.post("/{note_id}/tags", status_code=201)
def add_tag(
    note_id: int, tag_in: TagIn, session: SessionDep, current_user: CurrentUser
) -> dict[str, int]:
    note = session.get(Note, note_id)
    if note is None:
        raise HTTPException(status_code=404, detail="note not found")
    tag = Tag(
        note_id=note.id, name=tag_in.name, color=tag_in.color, created_by=current_user
    )
    session.add(tag)
    session.commit()
    return {"id": tag.id}


@router.delete("/{note_id}", status_code=204)
def delete_note(note_id: int, session: SessionDep) -> None:
    note = session.get(Note, note_id)
    if note is None:
        raise HTTPException(status_code=404, detail="note not found")
    session.delete(note)
    session.commit()
