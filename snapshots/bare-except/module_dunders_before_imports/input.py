"""Inventory helpers."""

__author__ = "backfix"
__all__ = ["parse_count"]

import json
import os

from flask import current_app


def parse_count(text):
    try:
        return int(json.loads(text)["count"])
    except:
        pass


def data_dir():
    return os.path.join(current_app.root_path, "data")
