from typing import Any

from elasticsearch import Elasticsearch as ES
from pymongo import MongoClient

from app.settings import get_settings

search: ES = ES(get_settings().ELASTIC_URL)
mongo = MongoClient(get_settings().MONGO_URL)


def find(query: dict[str, Any]) -> list[Any]:
    return search.search(query=query)["hits"] + list(mongo.db.items.find(query))
