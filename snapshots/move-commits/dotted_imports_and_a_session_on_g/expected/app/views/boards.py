import flask

from app.services.board_service import BoardService

bp = flask.Blueprint("boards", __name__)


@bp.route("/boards", methods=["POST"])
def create_board():
    BoardService.create_board(session=flask.g.session)
    return flask.redirect("/boards")
