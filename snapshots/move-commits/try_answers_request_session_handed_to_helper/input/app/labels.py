class LabelError(Exception):
    pass


def attach_label(session, shelf_id, text):
    if not text.strip():
        raise LabelError("a label needs text")
    session.execute(
        "INSERT INTO labels (shelf_id, text) VALUES (:shelf_id, :text)",
        {"shelf_id": shelf_id, "text": text},
    )
