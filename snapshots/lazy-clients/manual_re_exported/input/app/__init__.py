from app.clients import redis_client
