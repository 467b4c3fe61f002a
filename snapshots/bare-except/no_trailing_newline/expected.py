def to_int(value):
    try:
        return int(value)
    except Exception:
        return 0