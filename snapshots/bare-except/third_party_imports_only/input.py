import requests
from flask import Flask

app = Flask(__name__)


@app.get("/health")
def health():
    try:
        requests.head("http://db:5432", timeout=1)
    except:
        pass
    return "ok"
