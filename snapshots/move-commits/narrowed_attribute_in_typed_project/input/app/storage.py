import os


def remove_upload(name: str) -> None:
    path = os.path.join("/srv/uploads", name)
    if os.path.isfile(path):
        os.remove(path)
