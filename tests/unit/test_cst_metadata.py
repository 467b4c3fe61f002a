"""cst_metadata.visit and .transform hand a visitor or transformer what MetadataWrapper.visit does,
the cheap way."""

from __future__ import annotations

from typing import Any

import libcst as cst
import pytest
from libcst.metadata import (
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)
from testkit import repository_sources

from backfix import cst_metadata, cst_scopes
from backfix.cst_positions import SAMPLE


class _Recorder(cst.CSTVisitor):
    """Records, for every node it enters and leaves, what each provider says of it."""

    METADATA_DEPENDENCIES: tuple[Any, ...] = (
        PositionProvider,
        ParentNodeProvider,
        ExpressionContextProvider,
        ScopeProvider,
    )

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[object, ...]] = []
        self.ids: dict[int, int] = {}  # node id -> order of first visit, comparable across runs

    def _number(self, node: object) -> int:
        return self.ids.setdefault(id(node), len(self.ids))

    def _facts(self, node: cst.CSTNode) -> tuple[object, ...]:
        parent = self.get_metadata(ParentNodeProvider, node, None)
        scope = self.get_metadata(ScopeProvider, node, None)
        return (
            type(node).__name__,
            self.get_metadata(PositionProvider, node),
            None if parent is None else self._number(parent),
            self.get_metadata(ExpressionContextProvider, node, None),
            None if scope is None else (type(scope).__name__, self._number(scope)),
        )

    def on_visit(self, node: cst.CSTNode) -> bool:
        self._number(node)
        self.seen.append(("enter", *self._facts(node)))
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.seen.append(("leave", type(original_node).__name__))
        super().on_leave(original_node)


class _Qualified(_Recorder):
    METADATA_DEPENDENCIES = (*_Recorder.METADATA_DEPENDENCIES, QualifiedNameProvider)


def _sources() -> dict[str, str]:
    return {"sample": SAMPLE, **repository_sources()}


def _both(source: str, visitor_type: type[_Recorder]) -> tuple[_Recorder, _Recorder]:
    module = cst.parse_module(source)
    cheap, library = visitor_type(), visitor_type()
    cst_metadata.visit(module, cheap)
    MetadataWrapper(module, unsafe_skip_copy=True).visit(library)
    return cheap, library


def test_a_visitor_sees_what_the_wrapper_gives() -> None:
    for name, source in _sources().items():
        try:
            cheap, library = _both(source, _Recorder)
        except cst.ParserSyntaxError:
            continue
        assert cheap.seen == library.seen, name
        assert cheap.metadata == {}  # handed back, as the wrapper does


def test_other_providers_go_through_the_wrapper() -> None:
    cheap, library = _both(SAMPLE, _Qualified)
    assert cheap.seen == library.seen


def test_contexts_fall_back_to_the_wrapper_with_the_scopes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cst_scopes, "resolver", lambda: cst_scopes.wrapper_scopes)
    cheap, library = _both(SAMPLE, _Recorder)
    assert cheap.seen == library.seen


class _Renamer(cst.CSTTransformer):
    """Records what the providers say of each node it leaves, and renames every ``self``."""

    METADATA_DEPENDENCIES: tuple[Any, ...] = (PositionProvider, ParentNodeProvider)

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[object, ...]] = []

    def on_leave(
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        parent = self.get_metadata(ParentNodeProvider, original_node, None)
        self.seen.append(
            (
                type(original_node).__name__,
                self.get_metadata(PositionProvider, original_node),
                None if parent is None else type(parent).__name__,
            )
        )
        if isinstance(updated_node, cst.Name) and updated_node.value == "self":
            return updated_node.with_changes(value="this")
        return super().on_leave(original_node, updated_node)


def test_a_transformer_sees_and_makes_what_the_wrapper_gives() -> None:
    for name, source in _sources().items():
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue
        cheap, library = _Renamer(), _Renamer()
        changed = cst_metadata.transform(module, cheap)
        expected = MetadataWrapper(module, unsafe_skip_copy=True).visit(library)
        assert changed.code == expected.code, name
        assert cheap.seen == library.seen, name
        assert cheap.metadata == {}


def test_a_transformer_with_other_providers_goes_through_the_wrapper() -> None:
    class Qualified(_Renamer):
        METADATA_DEPENDENCIES = (*_Renamer.METADATA_DEPENDENCIES, QualifiedNameProvider)

    module = cst.parse_module(SAMPLE)
    cheap, library = Qualified(), Qualified()
    changed = cst_metadata.transform(module, cheap)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).visit(library)
    assert changed.code == expected.code
    assert cheap.seen == library.seen
