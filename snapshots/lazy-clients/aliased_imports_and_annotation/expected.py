import functools
from typing import Any

from elasticsearch import Elasticsearch as ES
from pymongo import MongoClient

from app.settings import get_settings


@functools.cache
def get_search() -> ES:
    return ES(get_settings().ELASTIC_URL)


@functools.cache
def get_mongo():
    return MongoClient(get_settings().MONGO_URL)


def find(query: dict[str, Any]) -> list[Any]:
    return get_search().search(query=query)["hits"] + list(
        get_mongo().db.items.find(query)
    )
