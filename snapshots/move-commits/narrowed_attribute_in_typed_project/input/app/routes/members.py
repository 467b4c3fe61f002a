from flask import Blueprint

from app.extensions import db
from app.models import Member
from app.storage import remove_upload

bp = Blueprint("members", __name__)


@bp.delete("/members/<int:member_id>/avatar")
def delete_avatar(member_id: int) -> tuple[str, int]:
    member = db.get_or_404(Member, member_id)
    if not member.avatar:
        return "", 204
    # the upload goes first: a row left pointing at no file is worse
    remove_upload(member.avatar)
    member.avatar = None
    db.session.commit()
    return "", 204


@bp.delete("/members/<int:member_id>/nickname")
def clear_nickname(member_id: int) -> tuple[str, int]:
    member = db.get_or_404(Member, member_id)
    if member.nickname is None:
        return "", 204
    member.nickname = None
    db.session.commit()
    return "", 204
