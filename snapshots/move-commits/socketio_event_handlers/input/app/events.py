from flask_login import current_user
from flask_socketio import emit

from app.extensions import db, socketio
from app.models import Message


# A Socket.IO handler answers a client as a route does: its commits are route layer, in a
# module without a single Flask route.
@socketio.on("new message")
def new_message(body):
    message = Message(author=current_user._get_current_object(), body=body)
    db.session.add(message)
    db.session.commit()
    emit("message added", {"id": message.id}, broadcast=True)


@socketio.event
def delete_message(message_id):
    message = Message.query.get_or_404(message_id)
    db.session.delete(message)
    db.session.commit()
    emit("message deleted", {"id": message_id}, broadcast=True)
