import logging

try:
    import ujson as json
except:
    import json

try:
    from local_settings import DEBUG
except:
    pass

logger = logging.getLogger(__name__)

try:
    from local_settings import EXTRA
except:
    pass


def dumps(data):
    try:
        return json.dumps(data)
    except:
        pass
