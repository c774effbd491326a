"""Files pac writes for people (the report, the review): written whole or not at all.

``replaced(path)`` gives a temporary path beside ``path`` to write the new file to; once the block ends without
error, it is flushed to disk and renamed over ``path`` (``os.replace``: atomic on one file system), with the mode the
previous file had (else the one a plain write would give). A write that fails (a full disk, a size quota) or a
process killed mid-write leaves the previous file as it was and no temporary behind (a kill may leave one, named
``.NAME.*.part``, which the next write does not read). A failed write raises ``FileNotWritten``, which names the file
and says the previous one is kept (its ``fix``: what to do).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pac_core.errors import PacError

__all__ = ["FileNotWritten", "replaced"]


class FileNotWritten(PacError):
    """The new file could not be written; the previous one (if any) is kept whole."""

    def __init__(self, path: Path, error: OSError) -> None:
        kept = (f"the previous {path.name} is kept as it was" if path.exists() else f"no {path.name} was left")
        reason = f"[Errno {error.errno}] {error.strerror}" if error.errno is not None else str(error)
        super().__init__(f"cannot write {path}: {reason}: {kept}")
        self.path, self.error = path, error
        self.fix = "free some space or choose another -o, then run the command again; nothing else was changed"


def _mode_for(path: Path) -> int:
    """The previous file's permission bits, else what ``open(path, "w")`` would give under the process's umask."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def replaced(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed over ``path`` once the block ends without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _mode_for(path))
        with open(tmp, "rb") as handle:   # on disk before the rename: a machine stopping then keeps one whole file
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FileNotWritten(path, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
