def to_int(value):
    try:
        return int(value)
    except:
        return 0