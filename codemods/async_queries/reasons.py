"""The stable ids of async-queries' manual-review reasons.

Each id is shown with its reason (``[manual: <id>]``, ``reason_id`` in JSON and SARIF) and has a
``### <id>`` section in docs/async-queries.md saying what it means and what to do.
"""

from __future__ import annotations

# -- a query chain -----------------------------------------------------------------------------------
NO_SELECT_EQUIVALENT = "no-select-equivalent"
UNKNOWN_QUERY_METHOD = "unknown-query-method"
REMOVED_IN_SQLALCHEMY_2 = "removed-in-sqlalchemy-2"
UNSUPPORTED_ARGUMENTS = "unsupported-arguments"
UNKNOWN_RESULT_SHAPE = "unknown-result-shape"
DISTINCT_ORDER_BY = "distinct-order-by"
QUERY_USED_AS_VALUE = "query-used-as-value"
QUERY_VARIABLE = "query-variable-not-followed"
QUERY_INDEX = "query-index-or-slice"
BULK_ON_JOINED_QUERY = "bulk-on-joined-query"
UNIQUE_ROWS_WITH_COLUMNS = "unique-rows-with-columns"
GET_AFTER_QUERY_METHODS = "get-after-query-methods"
NOT_FLASK_SQLALCHEMY_QUERY = "not-flask-sqlalchemy-query"
ONE_OR_404_REPEATED_ROWS = "one-or-404-repeated-rows"
FLASK_SQLALCHEMY_2 = "flask-sqlalchemy-2-form"
FLASK_SQLALCHEMY_2_TRUTHINESS = "flask-sqlalchemy-2-truthiness"
UNKNOWN_SESSION = "unknown-session"
UNKNOWN_SESSION_KIND = "unknown-session-kind"
UNKNOWN_MODEL = "unknown-model-class"
ALREADY_AWAITED = "already-awaited"
CUSTOM_QUERY_CLASS = "custom-query-class"
QUERY_PROPERTY = "query-property-not-flask-sqlalchemy"
QUERY_METHOD_ALIAS = "query-method-alias"
DB_NAME_BOUND_LOCALLY = "db-name-bound-locally"
SQLALCHEMY_TOO_OLD = "sqlalchemy-too-old"

# -- async mode ----------------------------------------------------------------------------------------
FLASK_SQLALCHEMY_ASYNC = "flask-sqlalchemy-async"
ASYNC_SESSION_IN_SYNC_MODE = "async-session-in-sync-mode"
CANNOT_AWAIT_HERE = "cannot-await-here"
CALLER_CANNOT_AWAIT = "caller-cannot-await"
BULK_METHOD_NOT_ON_ASYNC = "bulk-method-not-on-async-session"
LAZY_LOAD = "lazy-load-in-async"
DYNAMIC_RELATIONSHIP = "dynamic-relationship-query"
JOINED_DYNAMIC_RELATIONSHIP = "joined-dynamic-relationship"

# -- the session plumbing --------------------------------------------------------------------------------
PLUMBING_UNIT = "plumbing-unit-manual"
PLUMBING_AT_IMPORT = "plumbing-at-import-time"
PLUMBING_NOT_CONVERTIBLE = "plumbing-not-convertible"
ENGINE_URL_UNKNOWN = "engine-url-unknown"
NO_ASYNC_DRIVER = "no-async-driver"
ENGINE_OPTION = "engine-option-not-async"
ENGINE_USED_DIRECTLY = "engine-used-directly"
SHARED_WITH_STATEMENT = "shared-with-statement"
DEPENDENCY_RETURN_TYPE = "dependency-return-type"
DEPENDENCY_CALLED_DIRECTLY = "dependency-called-directly"
PLUMBING_OUTSIDE_PATHS = "plumbing-outside-paths"
CREATE_ALL_UNBOUND = "create-all-unbound"

#: every id, in the order the docs list them.
ALL = (
    NO_SELECT_EQUIVALENT,
    UNKNOWN_QUERY_METHOD,
    REMOVED_IN_SQLALCHEMY_2,
    UNSUPPORTED_ARGUMENTS,
    UNKNOWN_RESULT_SHAPE,
    DISTINCT_ORDER_BY,
    QUERY_USED_AS_VALUE,
    QUERY_VARIABLE,
    QUERY_INDEX,
    BULK_ON_JOINED_QUERY,
    UNIQUE_ROWS_WITH_COLUMNS,
    GET_AFTER_QUERY_METHODS,
    NOT_FLASK_SQLALCHEMY_QUERY,
    ONE_OR_404_REPEATED_ROWS,
    FLASK_SQLALCHEMY_2,
    FLASK_SQLALCHEMY_2_TRUTHINESS,
    UNKNOWN_SESSION,
    UNKNOWN_SESSION_KIND,
    UNKNOWN_MODEL,
    ALREADY_AWAITED,
    CUSTOM_QUERY_CLASS,
    QUERY_PROPERTY,
    QUERY_METHOD_ALIAS,
    DB_NAME_BOUND_LOCALLY,
    SQLALCHEMY_TOO_OLD,
    FLASK_SQLALCHEMY_ASYNC,
    ASYNC_SESSION_IN_SYNC_MODE,
    CANNOT_AWAIT_HERE,
    CALLER_CANNOT_AWAIT,
    BULK_METHOD_NOT_ON_ASYNC,
    LAZY_LOAD,
    DYNAMIC_RELATIONSHIP,
    JOINED_DYNAMIC_RELATIONSHIP,
    PLUMBING_UNIT,
    PLUMBING_AT_IMPORT,
    PLUMBING_NOT_CONVERTIBLE,
    ENGINE_URL_UNKNOWN,
    NO_ASYNC_DRIVER,
    ENGINE_OPTION,
    ENGINE_USED_DIRECTLY,
    SHARED_WITH_STATEMENT,
    DEPENDENCY_RETURN_TYPE,
    DEPENDENCY_CALLED_DIRECTLY,
    PLUMBING_OUTSIDE_PATHS,
    CREATE_ALL_UNBOUND,
)
