# Copyright 2026 The Notes Authors.
# SPDX-License-Identifier: Apache-2.0

"""Routes for notes."""

from flask import Blueprint, request

from app.extensions import db
from app.models import Note

bp = Blueprint("notes", __name__)


@bp.post("/notes")
def create_note():
    note = Note(text=request.form["text"])
    db.session.add(note)
    db.session.commit()
    return {"id": note.id}, 201
