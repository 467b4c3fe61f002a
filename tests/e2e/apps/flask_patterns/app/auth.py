from flask import abort, request


def require_permission(project, action):
    """Only the owner (the X-User header) may change a project."""
    if project.owner != request.headers.get("X-User", "anonymous"):
        abort(403, f"{action} is not allowed")
