"""The Typer app the `kb` commands register on: conventions, consoles, errors and output formats.

Conventions a Unix user expects: `-h`/`--help`, `--version`, shell completion, `--kb DIR`
before or after the command name, exit 0 on success, 1 on a user error, 2 on a usage error.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, Optional, TypeVar

import typer
from rich.console import Console, RenderableType
from rich.text import Text
from typer.core import TyperGroup

from kb.errors import KBError
from kb.formats import printable, to_json, write_records
from kb.kb import KnowledgeBase

F = TypeVar("F", bound=Callable[..., Any])
HIT_FORMATS = ("text", "json", "jsonl", "csv", "tsv", "markdown")


def hoist_kb_option(args: Sequence[str]) -> list[str]:
    """Move `--kb DIR` (or `--kb=DIR`) found after the command name to the front, where the group reads it.

    Nothing after a bare `--` moves: there `--kb` is an argument, not an option.
    """
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg == "--kb" and i + 1 < len(args):
            front += [arg, args[i + 1]]
            i += 2
            continue
        (front if arg.startswith("--kb=") else rest).append(arg)
        i += 1
    return front + rest


class KBGroup(TyperGroup):
    """The `kb` group: accepts the group's `--kb DIR` anywhere, e.g. `kb ask video --kb DIR`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_kb_option(args))


app = typer.Typer(
    cls=KBGroup,
    help="A searchable knowledge base over daily research-paper reports.",
    epilog="--kb DIR may also follow the command: kb ask \"video\" --kb DIR.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help, as click writes it: flags show as flags, no boxes, and it reads the same piped.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# Markup off everywhere: report text, paths and SQL values are data, and `[/]` in any of them
# would otherwise crash rich or vanish. Styling goes through `Text` and `style=`.
out = Console(soft_wrap=True, markup=False, highlight=False)
err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)


def friendly(fn: F) -> F:
    """Turn library errors into one line on stderr and exit 1, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KBError as exc:
            err.print(Text.assemble(("Error:", "bold red"), " ", printable(str(exc))))
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("Interrupted; the knowledge base is unchanged.")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def open_kb(ctx: typer.Context, **options: Any) -> KnowledgeBase:
    """The knowledge base `--kb` (else $KB_DIR, else ./indexes) names."""
    root = ctx.find_root()
    return KnowledgeBase.open(root.obj, **options)


def kb_option(ctx: typer.Context) -> str:
    """` --kb DIR` as the user gave it, for the commands suggested next ('' when not given)."""
    directory = ctx.find_root().obj
    return f" --kb {directory}" if directory else ""


# Trailing blanks that rich pads lines with, before any closing style or hyperlink codes.
_TRAILING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\)*)$", re.M)


def display(renderable: RenderableType) -> None:
    """Print a rich renderable word-wrapped to the terminal (80 columns piped), without trailing blanks."""
    with out.capture() as captured:
        out.print(renderable, soft_wrap=False)
    sys.stdout.write(_TRAILING.sub(r"\1", captured.get()))


def print_json(value: Any) -> None:
    sys.stdout.write(to_json(value) + "\n")


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed stdout
        return False


def output_format(fmt: Optional[str], default: str, **flags: bool) -> str:
    """The one output format asked for by `--format` or a shortcut flag (`--json`, `--csv`, ...)."""
    chosen = [name for name, on in flags.items() if on]
    if fmt is not None:
        chosen.append(fmt)
    if len(set(chosen)) > 1:
        # typer.BadParameter is a usage error (exit 2) in every typer, whichever click it carries.
        raise typer.BadParameter(f"choose one output format, not {' and '.join(sorted(set(chosen)))}")
    return chosen[0] if chosen else default


def emit_records(fmt: str, records: Sequence[dict[str, Any]]) -> None:
    """Records (`to_dicts()` output) on stdout as json, jsonl, csv, tsv or markdown."""
    sys.stdout.write(write_records(fmt, records))


def format_option(choices: Sequence[str], help: str) -> Any:
    """A `--format/-f` option limited to `choices` (a bad one is a usage error, exit 2)."""

    def check(value: Optional[str]) -> Optional[str]:
        if value is not None and value not in choices:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return typer.Option(None, "--format", "-f", metavar="FORMAT", callback=check, help=help)


