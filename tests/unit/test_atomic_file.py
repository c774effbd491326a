"""``sync_jobs.atomic_file.replaced``: the files pac writes for people (report, review) are replaced whole or not at
all, with the previous file's mode, and a failed write says which file and that the previous one is kept."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sync_jobs.atomic_file import FileNotWritten, replaced
from sync_jobs.report import write_actions_csv, write_xlsx
from tests.unit.report_fixtures import inputs as report_inputs


def _full_disk() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class TestReplaced:
    def test_a_complete_write_replaces_the_file_and_keeps_its_mode(self, tmp_path: Path) -> None:
        target = tmp_path / "pac.html"
        target.write_text("yesterday", encoding="utf-8")
        target.chmod(0o640)
        with replaced(target) as new:
            assert new.parent == tmp_path and new != target
            new.write_text("today", encoding="utf-8")
            assert target.read_text(encoding="utf-8") == "yesterday"    # untouched until the new one is whole
        assert target.read_text(encoding="utf-8") == "today"
        assert target.stat().st_mode & 0o777 == 0o640
        assert sorted(p.name for p in tmp_path.iterdir()) == ["pac.html"]

    def test_a_new_file_gets_the_mode_a_plain_write_gives(self, tmp_path: Path) -> None:
        umask = os.umask(0o022)
        try:
            with replaced(tmp_path / "sub" / "pac.html") as new:
                new.write_text("today", encoding="utf-8")
        finally:
            os.umask(umask)
        assert (tmp_path / "sub" / "pac.html").stat().st_mode & 0o777 == 0o644   # not mkstemp's 0600

    def test_a_write_failing_midway_keeps_the_previous_file_and_says_so(self, tmp_path: Path) -> None:
        target = tmp_path / "pac.html"
        target.write_text("yesterday", encoding="utf-8")
        with pytest.raises(FileNotWritten) as caught, replaced(target) as new:
            new.write_text("half of tod", encoding="utf-8")
            raise _full_disk()
        assert target.read_text(encoding="utf-8") == "yesterday"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["pac.html"]
        assert str(caught.value) == (f"cannot write {target}: [Errno 28] No space left on device: the previous "
                                     "pac.html is kept as it was")

    def test_a_failed_first_write_leaves_no_file(self, tmp_path: Path) -> None:
        target = tmp_path / "pac.html"
        with pytest.raises(FileNotWritten, match=r"no pac\.html was left"), replaced(target) as new:
            new.write_text("half", encoding="utf-8")
            raise _full_disk()
        assert list(tmp_path.iterdir()) == []

    def test_an_error_that_is_not_the_disks_passes_through_and_leaves_nothing(self, tmp_path: Path) -> None:
        target = tmp_path / "pac.html"
        target.write_text("yesterday", encoding="utf-8")
        with pytest.raises(KeyboardInterrupt), replaced(target) as new:
            new.write_text("half", encoding="utf-8")
            raise KeyboardInterrupt
        assert target.read_text(encoding="utf-8") == "yesterday"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["pac.html"]

    @pytest.mark.parametrize("writer", [write_xlsx, write_actions_csv], ids=["xlsx", "csv"])
    def test_the_report_writers_write_through_it(self, tmp_path: Path, writer: object) -> None:
        """The workbook and the CSV are written to the temporary path (openpyxl and csv do not mind its name)."""
        target = tmp_path / "pac.out"
        target.write_bytes(b"yesterday")
        with replaced(target) as new:
            writer(report_inputs(), new)   # type: ignore[operator]
        assert target.read_bytes() != b"yesterday" and target.stat().st_size > 1000
        assert sorted(p.name for p in tmp_path.iterdir()) == ["pac.out"]
