from app.clients import redis_client

PREFIX = redis_client.connection_pool.connection_kwargs.get("db", 0)
