"""Why a commit stays in the route: the stable ids of move-commits' manual-review reasons.

Each id has a section of the same name under "Manual-review reasons" in ``docs/move-commits.md``
(a unit test checks that), and reports show it next to the reason text.
"""

from __future__ import annotations


class Reason(str):
    """A reason text that carries its stable id.

    A ``str`` so the analysis can test, compare and quote reasons as text; the id travels with it to
    the violation. ``NO_REASON`` (empty) means the statements may move.
    """

    id: str

    def __new__(cls, reason_id: str, text: str) -> Reason:
        """The reason ``text`` with the id ``reason_id`` (one of the constants below)."""
        reason = super().__new__(cls, text)
        reason.id = reason_id
        return reason


# Where the commit is.
COMMIT_AT_MODULE_LEVEL = "commit-at-module-level"
COMMIT_IN_LAMBDA = "commit-in-lambda"
COMMIT_IN_CLASS_BODY = "commit-in-class-body"
COMMIT_IN_NESTED_FUNCTION = "commit-in-nested-function"
HELPER_MODULE_IN_ROUTE_FOLDER = "helper-module-in-route-folder"
HELPER_MODULE_NAMED_AS_ROUTES = "helper-module-named-as-routes"
ONE_LINE_FUNCTION = "one-line-function"
GENERATOR_ROUTE = "generator-route"
COMMIT_IN_HANDLER = "commit-in-exception-handler"
COMMIT_IN_ELSE = "commit-in-else-block"
COMMIT_IN_STATEMENT = "commit-in-unsupported-statement"
LOOP_BODY_STAYS = "loop-body-must-stay"
LOOP_WITH_BREAK = "loop-with-break"
TRY_ELSE_FINALLY = "try-with-else-or-finally"
ROLLBACK_USES_FRAMEWORK = "rollback-uses-framework"
WRITES_BEFORE_TRY = "writes-before-try"
VIEW_THROUGH_PROJECT_BASE = "view-through-project-base"

# What the statements of the unit of work do.
RETURNS_EARLY = "returns-early"
USES_YIELD = "uses-yield"
GLOBAL_NONLOCAL = "global-or-nonlocal"
NESTED_DEFINITION = "nested-definition"
RAISES_HTTP_ERROR = "raises-http-error"
DYNAMIC_BUILTIN = "dynamic-builtin"
FRAMEWORK_CALL = "framework-call"
GUARD_CALL = "guard-call"
RESPONSE_IN_UNIT = "response-built-in-unit"
REQUEST_VALUE_PASSED_ON = "request-dependent-value-passed-on"
REQUEST_CALL = "request-dependent-call"
ROUTE_LAYER_CALL = "route-layer-call"
FRAMEWORK_OBJECT = "framework-object-used"
FRAMEWORK_OBJECT_WRITTEN = "framework-object-written"
CONDITIONAL_READ_MAY_FAIL = "conditional-read-may-fail"

# How the unit of work is bounded.
ONLY_COMMIT_MOVES = "only-commit-could-move"
RESPONSE_BEFORE_COMMIT = "response-built-before-commit"
WRITE_SPLIT_FROM_COMMIT = "write-split-from-commit"
KEPT_CALL_MAY_WRITE = "kept-call-may-write"
SEVERAL_EARLY_EXITS = "several-early-exits"
EARLY_EXIT_AFTER_COMMIT = "early-exit-after-commit"
ASSIGNED_AFTER_EARLY_EXIT = "assigned-after-early-exit"
READ_AFTER_EARLY_EXIT = "read-after-early-exit"
READ_ONLY_WHEN_TEST_HOLDS = "read-only-when-test-holds"
ROUTE_READS_TEST_VALUES = "route-reads-values-of-test"

# Data flow between the route and the moved code.
MAYBE_UNBOUND = "maybe-unbound-before-unit"
ASSIGNED_ON_SOME_PATHS = "assigned-on-some-paths"
NAME_NOT_DEFINED = "name-not-defined"
READ_DEPENDS_ON_UNIT = "read-depends-on-unit"
READ_AFTER_EFFECT = "read-after-effect"
FORM_FIELD_SET = "form-field-set"
HANDLER_READS_MOVED_VALUE = "handler-reads-moved-value"
HANDLER_CONTINUES = "handler-continues"
TOO_MANY_RETURNED = "too-many-returned-values"

# Where the service method would go.
SERVICE_UNPARSABLE = "service-module-unparsable"
SERVICE_CLASS_NOT_EXTENDABLE = "service-class-not-extendable"
NAME_CLASH = "name-clash"
DEFINITION_CLASH = "moved-definition-clash"
DEFINITION_IMPORTED_ELSEWHERE = "moved-definition-imported-elsewhere"
SERVICE_IMPORT_CYCLE = "service-import-cycle"
ALIAS_OF_NO_MODULE = "alias-of-no-module"
PATCHED_IN_TESTS = "patched-in-tests"
NARROWED_IN_ROUTE = "narrowed-in-route"
TYPE_IGNORE_UNTYPED = "type-ignore-without-types"
TYPE_UNKNOWN = "type-required-but-unknown"
UNION_ON_OLD_PYTHON = "union-annotation-on-old-python"
NO_PLACEMENT = "no-service-placement"

NO_REASON = Reason("", "")
