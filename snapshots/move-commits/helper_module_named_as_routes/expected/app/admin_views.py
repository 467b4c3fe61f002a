from flask import request

from app.services.admin_service import AdminService


def rename_tag(tag_id):
    tag = AdminService.rename_tag(tag_id, name=request.form["name"])
    return {"id": tag.id, "name": tag.name}
