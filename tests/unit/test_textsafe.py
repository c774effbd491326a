"""sync_jobs.textsafe: text from the CRM and the plan printed as text."""

import io

import pytest
from rich.table import Table

from sync_jobs import textsafe


class TestClean:
    @pytest.mark.parametrize(("raw", "shown"), [
        ("a\x1b[2Jb", "a\\x1b[2Jb"),                       # CSI: clear the screen
        ("\x1b]0;owned\x07", "\\x1b]0;owned\\x07"),        # OSC: retitle the window
        ("x\x9b31m", "x\\x9b31m"),                         # C1 CSI
        ("abc\u202edcba", "abc\\u202edcba"),               # right-to-left override
        ("\u2066iso\u2069", "\\u2066iso\\u2069"),          # BiDi isolates
        ("a\rb\x00", "a\\x0db\\x00"),
        ("Société Générale — 69", "Société Générale — 69"),  # ordinary text untouched
    ])
    def test_controls_become_visible_escapes(self, raw: str, shown: str) -> None:
        """Every control character is shown as an escape; printable text, accents and dashes are untouched."""
        assert textsafe.clean(raw) == shown

    def test_newlines_kept_only_when_asked(self) -> None:
        """One CRM value stays on one line; a message of several lines keeps them with ``lines=True``."""
        assert textsafe.clean("a\nb\tc") == "a b c"
        assert textsafe.clean("a\nb", lines=True) == "a\nb"


class TestConsole:
    def render(self, *items: object, **kwargs: object) -> str:
        out = io.StringIO()
        console = textsafe.console(file=out, width=200, force_terminal=False)
        console.print(*items, **kwargs)
        return out.getvalue()

    def test_markup_in_strings_and_cells_is_text(self) -> None:
        """`[/]` and `[link=...]` in a printed string or a table cell are printed as written (MarkupError before)."""
        table = Table(title="[/] title")
        table.add_column("[bold]name")
        table.add_row("ACME [/] [link=https://evil.example]x")
        shown = self.render("Compte [/] :smile:", table)
        assert "Compte [/] :smile:" in shown and "ACME [/] [link=https://evil.example]x" in shown
        assert "[/] title" in shown and "[bold]name" in shown

    def test_escapes_never_reach_the_output(self) -> None:
        """ESC in a string, a cell or a ``text()`` is printed as ``\\x1b``."""
        table = Table()
        table.add_column("c")
        table.add_row("\x1b[2J")
        shown = self.render("a\x1b]0;t\x07", table, textsafe.text("\x9b1m"))
        assert "\x1b" not in shown and "\x9b" not in shown and shown.count("\\x1b") == 2 and "\\x9b" in shown

    def test_markup_helper_escapes_inside_own_markup(self) -> None:
        """Our own markup still styles; a value put inside it with ``markup()`` stays literal."""
        value = textsafe.markup("[/] \x1b")
        shown = self.render(f"[bold]{value}[/]", markup=True)
        assert shown.strip() == "[/] \\x1b"


class TestLogLines:
    def test_text_log_lines_carry_no_control_sequence(self, capsys) -> None:
        """A CRM value in a log line (e.g. an unreadable postal code) is written with its escapes visible."""
        import logging

        from sync_jobs.logs import setup_logging

        setup_logging("text")
        logging.getLogger("pac.test").warning("salesforce.account_postal_code problem=%s", "69\x1b[2J\u202e")
        err = capsys.readouterr().err
        assert "\x1b" not in err and "\u202e" not in err and "69\\x1b[2J\\u202e" in err
