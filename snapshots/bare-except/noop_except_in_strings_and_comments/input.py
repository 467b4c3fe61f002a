"""Explains why `except:` is bad:

    try:
        work()
    except:
        pass
"""

HINT = "never write except: pass"


def handler_doc():
    # except: would catch KeyboardInterrupt
    return f"{HINT} except:"
