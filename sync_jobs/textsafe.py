"""Text from the CRM and from the plan, printed as text: never as Rich markup, never as terminal control.

An account name, an activity subject or an action's text is written by someone else (a rep, an import, an
integration): ``[/]`` or ``[link=…]`` in it must not be read as Rich markup (a ``MarkupError`` used to end
``pac plan lint``, ``sync --dry-run``, ``explain`` and ``status``), and ESC, CSI, OSC, C1 controls or BiDi
overrides must not reach the terminal (they can clear the screen, retitle the window, plant a hyperlink, or
reorder what the manager reads).

One door for everything the CLI prints:

* ``console()``: the Rich console of this invocation of ``pac`` (one for stdout, one with ``stderr=True``, shared
  by every command and view), that reads no markup and no emoji code unless a call asks for markup, and scrubs
  control characters from every string it renders (print arguments, table cells, titles);
* ``clean(value)``: the value as plain printable text, each control character shown as a visible escape
  (``\\x1b``, ``\\u202e``);
* ``markup(value)``: ``clean`` then Rich's ``escape``, for a value put inside a markup string;
* ``text(value, style)``: a Rich ``Text`` of the cleaned value;
* ``echo(message, err=...)``: ``click.echo`` of the cleaned message.
"""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from sync_jobs.plaintext import clean

__all__ = ["clean", "console", "echo", "markup", "text"]

def markup(value: Any) -> str:
    """``value`` ready to go inside a Rich markup string: ``console.print(f"[bold]{markup(x)}[/]", markup=True)``."""
    return escape(clean(value))


def text(value: Any, style: str = "") -> Text:
    """A Rich ``Text`` of ``value`` (never read as markup), control characters shown as escapes."""
    return Text(clean(value, lines=True), style=style)


def echo(message: Any, *, err: bool = False) -> None:
    """``click.echo`` of ``message`` with its control characters shown as escapes (lines kept)."""
    click.echo(clean(message, lines=True), err=err)


class SafeConsole(Console):
    """A Rich console whose strings are plain text unless a call says ``markup=True``, with control characters
    scrubbed from every string it renders (table cells and titles included). ``Text`` objects are rendered as
    they are: build them with ``text()``."""

    def render_str(self, text: str, *args: Any, **kwargs: Any) -> Text:
        return super().render_str(clean(text, lines=True), *args, **kwargs)


_SHARED = "pac.consoles"     # the click root context's ``meta`` key of this invocation's consoles


def console(*, stderr: bool = False, soft_wrap: bool | None = None, piped_width: int | None = None,
            **options: Any) -> SafeConsole:
    """The console every command prints with (see ``SafeConsole``): one for stdout and one for stderr per invocation
    of ``pac``, kept in the click root context, so every command and view of a run prints through the same one.

    ``soft_wrap`` sets the console's default (True: a long line stays one line, grep-able and copy-pastable);
    ``piped_width``, when the output is not a terminal, the width tables are laid out in (one line per row). Rich
    ``options`` (a file, a width...) make a console of its own instead (a test's); outside a click command too.
    """
    ctx = click.get_current_context(silent=True)
    if options or ctx is None:
        options.setdefault("highlight", False)
        made = SafeConsole(stderr=stderr, markup=False, emoji=False, **options)
        if soft_wrap is not None:
            made.soft_wrap = soft_wrap
        if piped_width is not None and not made.is_terminal:
            made.width = piped_width
        return made
    consoles: dict[bool, SafeConsole] = ctx.find_root().meta.setdefault(_SHARED, {})
    shared = consoles.get(stderr)
    if shared is None:
        shared = consoles[stderr] = SafeConsole(stderr=stderr, markup=False, emoji=False, highlight=False)
    if soft_wrap is not None:
        shared.soft_wrap = soft_wrap
    if piped_width is not None and not shared.is_terminal:
        shared.width = piped_width
    return shared
