"""Suppression comments a fixed handler no longer needs.

``except:  # noqa: E722, S110`` silences the linters' bare-except check; once the handler names
``Exception`` that part of the comment suppresses nothing, and ruff's RUF100 (unused ``noqa``)
reports it. The fix takes out only the bare-except codes (flake8's and ruff's ``E722``, pylint's
``bare-except``/``W0702``) and keeps everything else the comment says (``S110``, prose after it).
A project that silences pylint there runs pylint, whose ``broad-except`` check (on by default)
reports ``except Exception:`` (not a handler that re-raises): its ``disable`` names that check
instead.
"""

from __future__ import annotations

import re

import libcst as cst

#: the codes of a noqa list (flake8 and ruff), and what follows them
_NOQA = re.compile(
    r"(?P<head>\bnoqa\s*:\s*)(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)", re.IGNORECASE
)
#: the checks of a ``pylint: disable=...`` list
_PYLINT = re.compile(r"(?P<head>\bpylint\s*:\s*disable\s*=\s*)(?P<codes>[\w-]+(?:\s*,\s*[\w-]+)*)")
BARE_EXCEPT_CODES = frozenset({"E722", "BARE-EXCEPT", "W0702"})
#: pylint's check of ``except Exception:`` (``broad-exception-caught`` since pylint 2.16, which
#: still reads the old name, the one older versions know)
BROAD_EXCEPT = "broad-except"
_BROAD_EXCEPT_CODES = frozenset({"BROAD-EXCEPT", "BROAD-EXCEPTION-CAUGHT", "W0703", "W0718"})
#: bandit's checks of a handler that only passes or continues, which a logged handler is not
SILENT_HANDLER_CODES = frozenset({"S110", "S112"})


def without_bare_except_codes(comment: str, logged: bool = False, broad: bool = True) -> str | None:
    """``comment`` without the codes of the bare-except check (and, for a handler the fix made
    log, of the silent-handler checks), pylint's naming its broad-except check instead when the
    handler is ``broad`` (does not re-raise); None when nothing is left of it, ``comment`` itself
    when it names none."""
    stale = BARE_EXCEPT_CODES | (SILENT_HANDLER_CODES if logged else frozenset())
    text = _NOQA.sub(lambda match: _kept_codes(match, stale), comment)
    instead = BROAD_EXCEPT if broad else ""
    text = _PYLINT.sub(lambda match: _kept_codes(match, stale, instead), text)
    if text == comment:
        return comment
    text = re.sub(r"#\s*(?=#|$)", "", text).strip()  # directives left empty
    text = re.sub(r"#\s*[-:;,]?\s+", "# ", text)  # the prose after an emptied list: `# why`
    return text if text.strip("# ") else None


def _kept_codes(match: re.Match[str], stale: frozenset[str], instead: str = "") -> str:
    """The list of ``match`` without the ``stale`` codes; with ``instead`` in their place, unless
    the list names that check already."""
    codes = [code.strip() for code in match["codes"].split(",")]
    kept = [code for code in codes if code.upper() not in stale]
    if len(kept) == len(codes):
        return match[0]
    if instead and not any(code.upper() in _BROAD_EXCEPT_CODES for code in kept):
        kept.append(instead)
    return f"{match['head']}{', '.join(kept)}" if kept else ""


def handler_without_stale_codes(
    handler: cst.ExceptHandler, logged: bool = False, broad: bool = True
) -> cst.ExceptHandler:
    """``handler`` with the comment on its ``except`` line cleaned of the codes the fix makes
    stale (see :func:`without_bare_except_codes`)."""
    body = handler.body
    if isinstance(body, cst.IndentedBlock):
        header = body.header
        cleaned = _cleaned(header.comment, logged, broad)
        if cleaned is header.comment:
            return handler
        return handler.with_changes(body=body.with_changes(header=_with_comment(header, cleaned)))
    if not isinstance(body, cst.SimpleStatementSuite):
        return handler
    trailing = body.trailing_whitespace
    cleaned = _cleaned(trailing.comment, logged, broad)
    if cleaned is trailing.comment:
        return handler
    return handler.with_changes(
        body=body.with_changes(trailing_whitespace=_with_comment(trailing, cleaned))
    )


def _cleaned(comment: cst.Comment | None, logged: bool, broad: bool) -> cst.Comment | None:
    """The comment cleaned of stale codes: itself when it names none."""
    if comment is None:
        return None
    text = without_bare_except_codes(comment.value, logged, broad)
    if text == comment.value:
        return comment
    return None if text is None else cst.Comment(_as_comment(text))


def _as_comment(text: str) -> str:
    return text if text.startswith("#") else f"# {text}"


def _with_comment(
    trailing: cst.TrailingWhitespace, comment: cst.Comment | None
) -> cst.TrailingWhitespace:
    if comment is None:  # no comment left: no spaces before the line end either
        return trailing.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
    return trailing.with_changes(comment=comment)
