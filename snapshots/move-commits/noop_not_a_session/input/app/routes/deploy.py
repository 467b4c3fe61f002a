import git
from flask import Blueprint, jsonify

bp = Blueprint("deploy", __name__)
repo = git.Repo(".")


@bp.post("/deploy/tag")
def tag_release():
    repo.index.add(["VERSION"])
    repo.index.commit("release")
    git.commit()
    return jsonify(ok=True)
