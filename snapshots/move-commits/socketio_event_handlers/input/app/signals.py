from app.extensions import db
from app.models import Message
from app.bus import bus


# An event emitter's `.on()`: no Socket.IO server, no route layer.
@bus.on("purge")
def purge():
    Message.query.delete()
    db.session.commit()
