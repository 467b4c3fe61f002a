"""``apply --interactive``: show each change as a coloured diff and ask what to do with it.

The session only decides; nothing is written here. The caller writes what was accepted through the
normal writer (atomic, all-or-nothing per unit, interrupt-safe), so Ctrl-C at a prompt writes nothing.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import click

from backfix.review import Change, FilePlan, Hunk, Review
from backfix.source import declared_encoding

HELP = """\
y - apply this change
n - do not apply this change (its violations stay open)
a - apply this change and every later change in this file
d - do not apply this change or any later change in this file
e - edit this change in $EDITOR, then apply it as edited
q - quit: apply only what was accepted so far
? - print this help
"""

EDIT_HEADER = """\
# Edit this change, then save and close the editor.
# Lines starting with "+" are what will be written: change, add or delete them.
# To keep a line the change removes, turn its "-" into a space " ".
# Leave the other lines (" " context, "-", "---", "+++", "@@") as they are.
# To drop a hunk, delete it together with its "@@" line. Lines starting with "#" are ignored.
"""

_HUNK_HEADER = re.compile(r"^@@ .* @@ hunk (\d+)$")
_CONTEXT = 3


class EditError(Exception):
    """An edited change that cannot be used; the message says why."""


@dataclass
class Answers:
    """Where the questions come from and where the screen goes (a terminal, or a test's pty)."""

    read: Callable[[], str]
    write: Callable[[str], None]
    edit: Callable[[str], str | None]


def terminal() -> Answers:
    """Questions on stderr, answers from stdin, edits in ``$VISUAL``/``$EDITOR``."""

    def read() -> str:
        line = sys.stdin.readline()
        if not line:
            return "q"  # end of input: stop asking, keep what was accepted
        return line.strip()

    def write(text: str) -> None:
        click.echo(text, nl=False, err=True)

    def edit(text: str) -> str | None:
        return click.edit(text, extension=".diff", require_save=True)

    return Answers(read, write, edit)


def ask(review: Review, changes: Sequence[Change], answers: Answers) -> list[Change]:
    """Ask about each of ``changes`` in order; return the accepted ones (edited in place)."""
    accepted: list[Change] = []
    skip_file: str | None = None
    take_file: str | None = None
    for position, change in enumerate(changes, 1):
        primary = change.files[0]
        if take_file == primary:
            accepted.append(change)
            continue
        if skip_file == primary:
            continue
        take_file = skip_file = None
        answers.write(_show(review, change))
        choice = _choose(review, change, answers, f"({position}/{len(changes)})")
        if choice in ("y", "a", "e"):
            accepted.append(change)
        if choice == "a":
            take_file = primary
        elif choice == "d":
            skip_file = primary
        elif choice == "q":
            break
    return accepted


def _choose(review: Review, change: Change, answers: Answers, where: str) -> str:
    while True:
        answers.write(
            click.style(f"{where} Apply this change [y,n,a,d,e,q,?]? ", fg="blue", bold=True)
        )
        choice = answers.read().lower()[:1]
        if choice in ("y", "n", "a", "d", "q"):
            return choice
        if choice == "e":
            try:
                if _edit(review, change, answers):
                    answers.write("edited change accepted\n")
                    return "e"
            except EditError as exc:
                answers.write(click.style(f"not edited: {exc}\n", fg="red"))
            continue
        answers.write(HELP)


def _show(review: Review, change: Change) -> str:
    """The header (tier, codemod, what it fixes) and the coloured diff of one change."""
    colour = {"safe": "green", "review": "yellow"}.get(change.tier, "red")
    lines = [
        "",
        click.style(f"[{change.tier}]", fg=colour, bold=True)
        + click.style(f" {change.codemod}: {', '.join(change.files)}", bold=True),
    ]
    lines += [f"  line {v.line}: {v.message}" for v in change.violations]
    if change.support:
        lines.append("  (with the lines it needs that other changes of this file share)")
    for line in review.diff(change).splitlines():
        lines.append(_colour(line))
    return "\n".join(lines) + "\n"


def _colour(line: str) -> str:
    if line.startswith(("---", "+++")):
        return click.style(line, bold=True)
    if line.startswith("@@"):
        return click.style(line, fg="cyan")
    if line.startswith("+"):
        return click.style(line, fg="green")
    if line.startswith("-"):
        return click.style(line, fg="red")
    return line


# --- e: edit the change as a diff ---------------------------------------------------------------------


def _edit(review: Review, change: Change, answers: Answers) -> bool:
    """Let the user edit ``change``; True when the edit was taken (False: editor left unsaved)."""
    text = answers.edit(edit_text(review, change))
    if text is None:
        answers.write("the editor was closed without saving; nothing changed\n")
        return False
    saved = {id(h): list(h.new) for h in change.hunks}
    try:
        apply_edit(review, change, text)
        for path in change.files:
            problem = review.problem([change], path)
            if problem is not None:
                raise EditError(f"{path} would not be valid: {problem}")
    except EditError:
        for hunk in change.hunks:
            hunk.new = saved[id(hunk)]
        raise
    change.edited = True
    return True


def _codec(plan: FilePlan) -> str:
    encoding = declared_encoding(plan.change.before or plan.change.after)
    return "utf-8" if encoding == "utf-8-sig" else encoding  # the BOM stays a character of line 1


def _text(line: bytes, codec: str) -> str:
    return line.decode(codec).rstrip("\r\n")


def edit_text(review: Review, change: Change) -> str:
    """The change's own hunks as a diff with context, each ``@@`` line numbered ``hunk N``."""
    out = [EDIT_HEADER]
    for path in change.files:
        plan = review.files[path]
        codec = _codec(plan)
        out.append(f"--- a/{path}\n+++ b/{path}\n")
        for number, hunk in enumerate(change.hunks, 1):
            if hunk.path != path:
                continue
            head = plan.before[max(0, hunk.start - _CONTEXT) : hunk.start]
            tail = plan.before[hunk.end : hunk.end + _CONTEXT]
            old = plan.before[hunk.start : hunk.end]
            out.append(
                f"@@ -{hunk.start - len(head) + 1},{len(head) + len(old) + len(tail)} "
                f"+{hunk.start - len(head) + 1},{len(head) + len(hunk.new) + len(tail)} @@ "
                f"hunk {number}\n"
            )
            out += [f" {_text(line, codec)}\n" for line in head]
            out += [f"-{_text(line, codec)}\n" for line in old]
            out += [f"+{_text(line, codec)}\n" for line in hunk.new]
            out += [f" {_text(line, codec)}\n" for line in tail]
    return "".join(out)


def apply_edit(review: Review, change: Change, text: str) -> None:
    """Replace the new lines of ``change``'s hunks with those of the edited diff ``text``."""
    blocks = _blocks(text)
    for number, hunk in enumerate(change.hunks, 1):
        plan = review.files[hunk.path]
        lines = blocks.get(number)
        hunk.new = (
            list(plan.before[hunk.start : hunk.end])
            if lines is None
            else _new_lines(plan, hunk, lines, number)
        )


def _blocks(text: str) -> dict[int, list[str]]:
    blocks: dict[int, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("#") or line.startswith(("--- ", "+++ ")):
            continue
        match = _HUNK_HEADER.match(line)
        if match:
            current = blocks.setdefault(int(match.group(1)), [])
        elif line.startswith("@@"):
            raise EditError("a hunk's @@ line was changed; keep them as they were")
        elif current is not None:
            current.append(line)
    return blocks


def _edited(
    lines: list[str], hunk: tuple[list[str], list[str], list[str]], number: int
) -> list[str]:
    """The edited hunk's new lines between its context lines (``hunk``: the lines before, the
    replaced lines, the lines after); EditError when the old side or the context changed."""
    head, old, tail = hunk
    old_side = [line[1:] for line in lines if line[:1] in (" ", "-", "")]
    new_side = [line[1:] for line in lines if line[:1] in (" ", "+", "")]
    if old_side != head + old + tail:
        raise EditError(
            f"hunk {number} no longer matches the file: only its '+' lines may change, and a '-' "
            "may become ' '"
        )
    if new_side[: len(head)] != head or new_side[len(new_side) - len(tail) :] != tail:
        raise EditError(f"the context lines of hunk {number} were changed")
    return new_side[len(head) : len(new_side) - len(tail)]


def _new_lines(plan: FilePlan, hunk: Hunk, lines: list[str], number: int) -> list[bytes]:
    codec = _codec(plan)
    head = [_text(x, codec) for x in plan.before[max(0, hunk.start - _CONTEXT) : hunk.start]]
    tail = [_text(x, codec) for x in plan.before[hunk.end : hunk.end + _CONTEXT]]
    old = [_text(x, codec) for x in plan.before[hunk.start : hunk.end]]
    middle = _edited(lines, (head, old, tail), number)
    newline = b"\r\n" if any(x.endswith(b"\r\n") for x in plan.before[:50]) else b"\n"
    encoded = [line.encode(codec) + newline for line in middle]
    at_end = hunk.end == len(plan.before) and not tail
    if encoded and at_end and hunk.new and not hunk.new[-1].endswith(b"\n"):
        encoded[-1] = encoded[-1].rstrip(b"\r\n")
    return encoded
