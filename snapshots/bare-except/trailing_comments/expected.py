def parse_port(value):
    try:
        return int(value)
    except Exception:  # anything invalid means "use the default"
        # the default port of the dev server
        return 8000


def cleanup(tmp):
    try:
        tmp.close()
    except BaseException:  # odd spacing
        tmp.discard()
        raise  # keep the original traceback
