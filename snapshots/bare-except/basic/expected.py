import json


def load_settings(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except Exception:
        return {"debug": False}
