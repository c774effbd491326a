"""How tests start ``pac`` as a separate process: through the interpreter running the tests, so the suite works
in any environment the README's command (or another) creates, never through a hard-coded ``.venv`` path.

``run_pac`` starts each ``pac`` as a new process **forked from a server that has already imported pac**
(the standard library's ``multiprocessing`` *forkserver*, its modules preloaded once per test worker): the
command runs in a process of its own, with its own arguments, environment, working directory, stdout and stderr
(files, read back as text like ``subprocess.run(..., text=True)``) and exit code, and is killed at the timeout, as
with ``subprocess.run``; what it skips is starting an interpreter and importing pac again (about 1.3 s of CPU per
command, most of the suite's time before). ``fresh=True`` (and any call whose environment changes how the
interpreter itself starts: ``PYTHON*``, ``LANG``, ``LC_*``) runs a fresh interpreter instead, exactly
``[*PAC, *args]``; tests about start-up itself (which modules ``pac --help`` loads, the installed script) use it.
``tests/unit/test_cli_runner.py`` checks that both give the same exit codes and output.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import locale
import multiprocessing
import os
import pkgutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Mapping
from pathlib import Path

import sync_jobs
from sync_jobs.cli import run

PAC = (sys.executable, "-c", "from sync_jobs.cli import run; run()")

# environment variables read by the interpreter at start-up (or by the C library's locale): a command whose
# environment sets them differently from the tests' own gets a fresh interpreter
_STARTUP_VARS = ("PYTHON", "LANG", "LC_")


def _cli_modules() -> list[str]:
    """sync_jobs.cli and every command module it loads lazily (``sync_jobs.cli_*``): preloaded by the server."""
    return ["sync_jobs.cli", *sorted(f"sync_jobs.{m.name}" for m in pkgutil.iter_modules(sync_jobs.__path__)
                                     if m.name.startswith("cli_"))]


_CONTEXT: list[multiprocessing.context.ForkServerContext] = []


def _context() -> multiprocessing.context.ForkServerContext:
    if not _CONTEXT:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_cli_modules())
        _CONTEXT.append(context)
    return _CONTEXT[0]


def _startup_differs(env: Mapping[str, str]) -> bool:
    names = {k for k in (*env, *os.environ) if k.startswith(_STARTUP_VARS)}
    return any(env.get(k) != os.environ.get(k) for k in names)


def _stream(fd: int, errors: str) -> io.TextIOWrapper:
    """A text stream on fd as a fresh interpreter makes it for a file (not a terminal): block-buffered."""
    return io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding=locale.getpreferredencoding(False),
                            errors=errors)


def _child(args: tuple[str, ...], env: dict[str, str], cwd: str, out: str, err: str) -> None:
    """In the forked process: become ``pac ARGS`` (environment, directory, stdout/stderr files), run, exit."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, out), (2, err)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout, sys.stderr = _stream(1, "strict"), _stream(2, "backslashreplace")
    sys.argv = ["-c", *args]
    code: int = 0
    try:
        run()
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:   # what the interpreter does with an uncaught exception
        traceback.print_exc()
        code = 1
    try:
        atexit._run_exitfuncs()     # what the interpreter runs at exit (multiprocessing's child exits with _exit)
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):    # a closed stream has nothing left to write
                stream.flush()
        os._exit(code)


def _read(path: Path) -> str:
    """The file as ``subprocess.run(text=True)`` decodes a pipe: locale encoding, universal newlines."""
    with open(path, encoding=locale.getpreferredencoding(False), newline=None) as f:
        return f.read()


def run_pac(*args: str, env: dict[str, str], cwd: Path, timeout: float = 600,
            fresh: bool = False) -> subprocess.CompletedProcess[str]:
    """``pac ARGS`` in a separate process, its output captured as text; the exit code is the caller's to check."""
    command = [*PAC, *args]
    if fresh or _startup_differs(env):
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout,
                              check=False)
    with tempfile.TemporaryDirectory(prefix="pac-run-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        process = _context().Process(target=_child, args=(tuple(args), dict(env), str(cwd), str(out), str(err)))
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(command, timeout, _read(out) if out.exists() else None,
                                            _read(err) if err.exists() else None)
        code = process.exitcode
        process.close()
        return subprocess.CompletedProcess(command, code, _read(out), _read(err))  # -N: killed by signal N, as there
