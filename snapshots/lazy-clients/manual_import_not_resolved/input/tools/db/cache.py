redis_client = None
