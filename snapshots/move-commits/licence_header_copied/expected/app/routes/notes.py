# Copyright 2026 The Notes Authors.
# SPDX-License-Identifier: Apache-2.0

"""Routes for notes."""

from flask import Blueprint, request

from app.services.note_service import NoteService

bp = Blueprint("notes", __name__)


@bp.post("/notes")
def create_note():
    note = NoteService.create_note(text=request.form["text"])
    return {"id": note.id}, 201
