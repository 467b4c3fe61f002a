def record(session, action, name):
    return f"{action} {name}"
