"""Nothing but a docstring and a function."""


def noop_close(resource):
    try:
        resource.close()
    except:
        pass
