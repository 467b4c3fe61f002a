"""The fixture apps are copied and tested by tests/e2e/test_async_queries_e2e.py, never collected here."""

collect_ignore_glob = ["*"]
