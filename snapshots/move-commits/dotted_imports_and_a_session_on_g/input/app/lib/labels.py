from app.models import Label


def add_label(session, name):
    label = Label(name=name)
    session.add(label)
    return label
