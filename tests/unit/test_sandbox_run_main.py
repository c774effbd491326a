"""``python -m sandbox_crm.run``: a contributor's first guess at serving the sandbox by hand printed nothing and exited
0 (usplan audit, minor list); it now says to run ``pac sandbox``."""

from __future__ import annotations

import runpy
import sys

import pytest


def run_module(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["python -m sandbox_crm.run", *args])
    monkeypatch.delitem(sys.modules, "sandbox_crm.run", raising=False)    # run afresh, as `python -m` does
    with pytest.raises(SystemExit) as exc:
        runpy.run_module("sandbox_crm.run", run_name="__main__")
    return int(exc.value.code or 0)


def test_help_says_to_run_pac_sandbox(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_module(monkeypatch, "--help") == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "usage: python -m sandbox_crm.run" in out
    assert "run `pac sandbox` (`./dev pac sandbox` in a fresh clone)" in out and "docs/operations.md" in out


def test_without_arguments_it_refuses_and_says_what_to_run(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert run_module(monkeypatch) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("python -m sandbox_crm.run serves nothing: To try pac by hand against the sandbox "
                                   "CRM, run `pac sandbox`")
