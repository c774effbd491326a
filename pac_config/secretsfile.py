"""The secrets file ``PAC_SECRETS_FILE`` names, read: the one merge of it and the environment.

A file of ``KEY=VALUE`` lines (``#`` comments and blank lines allowed; a leading ``export `` is accepted, the format
``pac sandbox`` writes) that must be readable by its owner only (mode 0600): anything looser is refused with the
``chmod`` fix. The environment wins over the file, so an operator can override one value for one run. Both the
connectors' credentials (``sync_jobs.secrets.connector_env``) and the store's ``PAC_DATABASE_URL``
(``pac_config.settings.load_settings``) are read through ``with_secrets_file``. Nothing here registers a value for
redaction (this layer knows no logging): ``sync_jobs.secrets`` does, and the store registers its URL's password
when it parses it.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

from pac_core.errors import InvalidInput, Problem

SECRETS_FILE = "PAC_SECRETS_FILE"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EXPORT = re.compile(r"^export\s+")


def parse_secrets_file(path: str | Path) -> dict[str, str]:
    """The file's KEY=VALUE pairs; refuses a file that group or others can read, and a line that is not
    ``NAME=VALUE`` (at its line, never echoing it: it may be a pasted secret)."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InvalidInput(Problem(SECRETS_FILE, f"secrets file {path} not found", "check the path")) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput(
            Problem(
                SECRETS_FILE,
                f"secrets file {path} is readable by others (mode {stat.S_IMODE(mode):04o})",
                f"run: chmod 600 {path}",
            )
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        bad_line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            Problem(
                "",
                "the secrets file is not UTF-8 text",
                "save it as UTF-8 (KEY=VALUE lines); on Linux: iconv -f latin1 -t utf-8",
                file=str(path),
                line=bad_line,
            )
        ) from None
    except OSError as exc:
        raise InvalidInput(
            Problem(
                SECRETS_FILE, f"cannot read secrets file {path}: {exc.strerror}", "check the path and its permissions"
            )
        ) from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(
                Problem(
                    "",
                    "expected KEY=VALUE",
                    "one secret per line, e.g. PAC_HS_ACCESS_TOKEN=...",
                    file=str(path),
                    line=number,
                )
            )
        key = _EXPORT.sub("", key.strip(), count=1)  # `export NAME=value`: the file `pac sandbox` writes
        if not _NAME.fullmatch(key):  # never echoed: it may be a pasted secret (a base64 token ends with '=')
            raise InvalidInput(
                Problem(
                    "",
                    "the text before '=' is not a variable name (letters, digits and _, not starting with a digit)",
                    "write NAME=VALUE, e.g. PAC_HS_ACCESS_TOKEN=...; `export NAME=VALUE` is accepted too",
                    file=str(path),
                    line=number,
                )
            )
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def with_secrets_file(
    env: Mapping[str, str], read: Callable[[str], dict[str, str]] = parse_secrets_file
) -> dict[str, str]:
    """``env`` over the secrets file it names (``PAC_SECRETS_FILE``), if any: the environment wins, except a variable
    set empty (or blank) there, which pac reads as none: it leaves the file's value (a unit's ``Environment=NAME=``
    hid the file's secret, and the login said it was missing: audit ops). ``read`` reads the file
    (``sync_jobs.secrets.read_secrets_file`` also registers its secret-named values for redaction)."""
    merged: dict[str, str] = {}
    if env.get(SECRETS_FILE):
        merged.update(read(env[SECRETS_FILE]))
    merged.update({k: v for k, v in env.items() if v.strip() or k not in merged})
    return merged
