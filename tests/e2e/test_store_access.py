"""The store as a newcomer and ops staff meet it: created private (0600 in 0700), a read-only store or an
unwritable folder refused in plain words with exit 2 by every command, an unsupported URL refused with what is
supported, and a failed command never hiding the demo's store."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pac_config.planfile import load_plan
from pac_config.settings import load_settings
from sync_jobs.store import open_store, repo
from sync_jobs.store.db import check_url
from tests.cli import PAC, run_pac
from tests.e2e.conftest import copy_demo_store
from tests.fakes import synced_one_visit, write_settings

COMMANDS = [("sync",), ("status",), ("explain", "A-01"), ("report", "-o", "out.html"),
            ("snapshot", "--period", "2027-Q1")]


def _as_a_user() -> list[str]:
    """How to run a command as an ordinary user would: root ignores file modes, so as root the command runs
    without the capabilities that let it (setpriv drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root needs setpriv (util-linux) to test file modes")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]


def pac(*args: str, cwd: Path, env: dict[str, str], as_user: bool = False) -> subprocess.CompletedProcess[str]:
    if not as_user:
        return run_pac(*args, env=env, cwd=cwd, timeout=300)
    return subprocess.run([*_as_a_user(), *PAC, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                          check=False)


def _env(**extra: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")}, **extra}


@pytest.fixture
def synced(tmp_path):
    """A SQLite store in ``tmp_path/store`` holding one sync of the small plan (clock: 20 May 2027)."""
    return synced_one_visit(tmp_path, f"sqlite:///{tmp_path / 'store' / 'pac.db'}", "2027-05-20T18:00:00+02:00",
                            datetime(2027, 5, 4, 8, tzinfo=UTC))


class TestStoreFromTheSecretsFile:
    def test_the_store_url_of_the_secrets_file_is_the_store(self, synced, tmp_path) -> None:
        """The systemd set-up of docs/operations.md: only PAC_CONFIG and PAC_SECRETS_FILE in the environment, the
        store's PAC_DATABASE_URL in the secrets file. `pac status` reads that store, and creates no other (audit
        secrets F2). Seen failing before the fix: 'No run yet in .pac/pac.db' and a new ./.pac/pac.db."""
        config = Path(synced.source)
        config.write_text(config.read_text(encoding="utf-8").replace(synced.database_url, "sqlite:///.pac/pac.db"),
                          encoding="utf-8")
        secrets_file = tmp_path / "secrets.env"
        secrets_file.write_text(f"PAC_DATABASE_URL={synced.database_url}\n", encoding="utf-8")
        secrets_file.chmod(0o600)
        workdir = tmp_path / "work"
        workdir.mkdir()
        done = pac("status", cwd=workdir, env=_env(PAC_CONFIG=str(config), PAC_SECRETS_FILE=str(secrets_file)))
        assert done.returncode == 0, done.stderr
        assert "No run yet" not in done.stdout and "ok" in done.stdout, done.stdout
        assert not (workdir / ".pac").exists()


class TestPrivateStore:
    def test_created_0600_in_a_0700_folder(self, tmp_path) -> None:
        """A new SQLite store and the folder made for it are private, and so are SQLite's -wal/-shm files."""
        db = tmp_path / "new" / "pac.db"
        engine = open_store(f"sqlite:///{db}")
        try:
            with engine.connect():   # the journal files exist while a connection is open
                modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in db.parent.iterdir()}
        finally:
            engine.dispose()
        assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
        assert {"pac.db", "pac.db-wal", "pac.db-shm"} <= set(modes) and set(modes.values()) == {0o600}, modes


class TestReadOnlyStore:
    @pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
    def test_every_command_exits_2_naming_the_file_and_the_fix(self, synced, tmp_path, command) -> None:
        """A store the user cannot write: every command exits 2 with the file and `chmod`, never exit 6 nor
        SQLite's "attempt to write a readonly database"."""
        db = tmp_path / "store" / "pac.db"
        db.chmod(0o444)
        done = pac(*command, cwd=tmp_path, env=_env(PAC_CONFIG=synced.source), as_user=True)
        assert done.returncode == 2, done.stderr
        assert f"the store {db} is read-only" in done.stderr and f"chmod 600 {db}" in done.stderr
        assert "readonly database" not in done.stderr and "Traceback" not in done.stderr

    def test_an_unwritable_folder_in_plain_words(self, tmp_path) -> None:
        """A store to be created in a folder the user cannot write: exit 2, the folder named, not "readonly"."""
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o555)
        config = write_settings(tmp_path, f"sqlite:///{folder / 'pac.db'}")
        done = pac("status", cwd=tmp_path, env=_env(PAC_CONFIG=str(config)), as_user=True)
        assert done.returncode == 2, done.stderr
        assert f"the folder {folder} of the store is not writable" in done.stderr and "chmod u+rwx" in done.stderr
        assert not (folder / "pac.db").exists()


class TestUnsupportedUrl:
    @pytest.mark.parametrize("url", ["mysql://pac:s3cret@db.example/pac", "postgresql+psycopg2://pac@db/pac",
                                     "oracle://pac@db/pac", "not a url",
                                     "postgresql://pac:s3cret@db.example:543a/pac",
                                     # libpq's other place for it (pac.yaml refuses it there too): audit secrets2 F1
                                     "postgresql+psycopg2://pac@db.example/pac?password=s3cret",
                                     "mysql://pac@db.example/pac?sslmode=require&password=s3cret"])
    @pytest.mark.parametrize("command", COMMANDS[:4], ids=[c[0] for c in COMMANDS[:4]])
    def test_exit_2_listing_what_is_supported(self, tmp_path, url, command) -> None:
        """PAC_DATABASE_URL naming an unsupported database or a driver not installed: exit 2 with the
        supported URLs, the password hidden, no store created."""
        config = write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        done = pac(*command, cwd=tmp_path, env=_env(PAC_CONFIG=str(config), PAC_DATABASE_URL=url))
        assert done.returncode == 2, done.stderr
        assert "sqlite:///PATH" in done.stderr and "postgresql+psycopg://" in done.stderr
        assert "s3cret" not in done.stderr and "Traceback" not in done.stderr
        assert not (tmp_path / "pac.db").exists()

    def test_postgres_scheme_is_postgresql(self) -> None:
        """``postgres://`` (what Heroku, Render and many hosts hand out; SQLAlchemy 2 no longer reads it) is
        PostgreSQL through psycopg, like ``postgresql://`` (failed before: NoSuchModuleError, exit 6)."""
        for url in ("postgres://pac:pw@db.example/pac", "postgres+psycopg://pac:pw@db.example/pac"):
            assert check_url(url).drivername == "postgresql+psycopg", url

    def test_config_check_names_the_line(self, tmp_path) -> None:
        """`pac config check` checks the file's database_url as the commands will (passed before: settings OK). (A
        password in it is refused first, by its length: tests/unit/test_sync_settings.py.)"""
        config = write_settings(tmp_path, "mysql://pac@db.example/pac")
        done = pac("config", "check", str(config), cwd=tmp_path, env=_env())
        assert done.returncode == 2, done.stdout
        line = next(n for n, text in enumerate(config.read_text().splitlines(), 1) if "database_url" in text)
        assert f"{config.name}:{line} database_url: mysql://pac@db.example/pac: mysql is not supported" \
            in done.stdout, done.stdout

    def test_config_check_refuses_a_password_in_the_file(self, tmp_path) -> None:
        """A password written in pac.yaml's database_url is refused at its line, the URL's length only, with the fix
        (audit secrets F2; passed before: settings OK)."""
        url = "postgresql+psycopg://pac:s3cret-4711@db.example/pac"
        config = write_settings(tmp_path, url)
        done = pac("config", "check", str(config), cwd=tmp_path, env=_env())
        assert done.returncode == 2, done.stdout
        assert f"{config.name}:1 database_url: the URL holds a password ({len(url)} characters, none shown)" \
            in done.stdout, done.stdout
        assert "PAC_DATABASE_URL" in done.stdout and "PAC_SECRETS_FILE" in done.stdout
        assert "s3cret" not in done.stdout + done.stderr and "db.example" not in done.stdout + done.stderr


class TestAStoreDownHidesItsPassword:
    @pytest.mark.parametrize("command", [("report", "-o", "out.html"), ("explain", "A-01"), ("review", "-o", "r.html"),
                                         ("snapshot", "--period", "2027-Q1")], ids=lambda c: c[0])
    def test_the_query_string_password_is_not_in_the_message(self, tmp_path, command) -> None:
        """A PostgreSQL store named with its password in the query string (libpq's ``?password=``), down: the
        commands that first check a sync is recorded said ``cannot read the store postgresql+psycopg://pac@...
        /pac?password=<the password>: OperationalError`` (audit secrets2 F1)."""
        config = write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        url = "postgresql+psycopg://pac@127.0.0.1:1/pac?connect_timeout=5&password=qs-Pw-8x7c6v5b"
        done = pac(*command, cwd=tmp_path, env=_env(PAC_CONFIG=str(config), PAC_DATABASE_URL=url))
        assert done.returncode == 2, done.stdout + done.stderr
        assert "cannot read the store postgresql+psycopg://pac@127.0.0.1:1/pac" in done.stderr, done.stderr
        assert "qs-Pw" not in done.stdout + done.stderr


class TestFailedCommandsHideNothing:
    def test_a_failed_dry_run_leaves_the_demo_visible(self, tmp_path, demo_run) -> None:
        """After `pac demo`, a `pac sync --dry-run` that fails (no CRM credentials configured) must not leave a
        store that makes `pac status` and `pac explain` read an empty one instead of the demo's. (The session's
        `pac demo`, its store and settings copied where `pac demo` puts them: ./.pac/demo.db and demo.yaml.)"""
        env = _env()
        assert demo_run.returncode == 0, demo_run.stderr[-2000:]
        copy_demo_store(demo_run, tmp_path / ".pac")
        failed = pac("sync", "--dry-run", cwd=tmp_path, env=env)
        assert failed.returncode not in (0, 1), failed.stdout + failed.stderr
        status = pac("status", cwd=tmp_path, env=env)
        assert status.returncode == 0, status.stderr
        assert "reading the demo's store" in status.stderr and "partial" in status.stdout
        explain = pac("explain", "A-01", cwd=tmp_path, env=env)
        assert explain.returncode == 0 and "reading the demo's store" in explain.stderr, explain.stderr


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class TestTheDemoSettingsFallback:
    """After `pac demo` (its store and settings where it puts them: ./.pac/demo.db and demo.yaml), the commands with a
    --config option and none given: the read-only ones read the demo's store and say so, the ones that write to the
    store never touch it (audit newcomer F6)."""

    def test_report_review_and_a_dry_run_notify_say_they_read_the_demo(self, tmp_path, demo_run) -> None:
        """Seen failing before the fix: report, review and notify --dry-run read the demo's store without the
        "(reading the demo's store ...)" line status and explain print."""
        assert demo_run.returncode == 0, demo_run.stderr[-2000:]
        copy_demo_store(demo_run, tmp_path / ".pac")
        env = _env()
        for args in (("report", "-o", "r.html"), ("review", "--month", "2027-05", "-o", "v.html"),
                     ("notify", "--dry-run")):
            done = pac(*args, cwd=tmp_path, env=env)
            assert done.returncode == 0, (args, done.stdout + done.stderr)
            assert "(reading the demo's store: .pac/demo.yaml; set PAC_CONFIG to read another)" in done.stderr, args
        assert "as of 2027-05-20T18:00" in pac("report", "-o", "r2.html", cwd=tmp_path, env=env).stdout

    def test_snapshot_and_notify_never_write_to_the_demo_store_implicitly(self, tmp_path, demo_run) -> None:
        """`pac snapshot --replace` and `pac notify` write to the store: with no --config and no PAC_CONFIG they read
        the shipped settings (no sync in ./.pac/pac.db: exit 2), name the demo's settings to write to it, and the
        demo's store is unchanged. Seen failing before the fix: snapshot --replace exit 0, the demo's 2027-03
        snapshot replaced."""
        assert demo_run.returncode == 0, demo_run.stderr[-2000:]
        copy_demo_store(demo_run, tmp_path / ".pac")
        env = _env()
        before = _digest(tmp_path / ".pac" / "demo.db")
        for args in (("snapshot", "--period", "2027-03", "--replace"), ("notify",)):
            done = pac(*args, cwd=tmp_path, env=env)
            assert done.returncode == 2, (args, done.stdout + done.stderr)
            assert "--config .pac/demo.yaml or PAC_CONFIG=.pac/demo.yaml" in done.stderr, (args, done.stderr)
            assert "no sync recorded" in done.stdout + done.stderr and "reading the demo's store" not in done.stderr
        assert _digest(tmp_path / ".pac" / "demo.db") == before
        named = pac("snapshot", "--period", "2027-03", "--replace", "--config", ".pac/demo.yaml", cwd=tmp_path,
                    env=env)
        assert named.returncode == 0 and "2027-03: replaced the snapshot" in named.stdout, named.stdout + named.stderr

    def test_plan_pull_never_writes_the_demo_plan_implicitly(self, tmp_path, demo_run) -> None:
        """`pac plan pull` writes the plan file named by the settings: after `pac demo` (its settings name the
        shipped plan), with no PAC_CONFIG it reads the shipped settings (no sync in ./.pac/pac.db: exit 2, no store
        created), names the demo's settings, and leaves the demo's plan file as it was; --dry-run reads the demo's
        and says so; named, the pull writes. Seen failing before the fix: exit 0, the demo's plan file rewritten
        (A-01's count 5 -> 6) from the demo's store without a word."""
        assert demo_run.returncode == 0, demo_run.stderr[-2000:]
        settings = copy_demo_store(demo_run, tmp_path / ".pac")
        text = settings.read_text(encoding="utf-8")
        [shipped] = re.findall(r"file: '([^']+)'", text)
        plan_file = tmp_path / "plan.pac.yaml"
        shutil.copy(shipped, plan_file)
        settings.write_text(text.replace(shipped, str(plan_file)), encoding="utf-8")
        plan_id = load_plan(plan_file).id
        engine = open_store(load_settings(settings, env={}).database())
        now = datetime.now(UTC)
        try:
            repo.save_field_states(engine, plan_id, [
                {"target": "action", "key": f"{plan_id}:A-01", "field": "action_target", "value": 6, "source": "crm",
                 "connector": "sf-main", "who_id": "005N", "who_name": "Nathalie Garnier", "changed_at": now,
                 "file_value": 5, "updated_at": now}], [])
        finally:
            engine.dispose()
        env, before = _env(), plan_file.read_text(encoding="utf-8")
        dry = pac("plan", "pull", "--dry-run", cwd=tmp_path, env=env)
        assert dry.returncode == 0 and "reading the demo's store: .pac/demo.yaml" in dry.stderr, dry.stdout + dry.stderr
        assert "A-01" in dry.stdout and plan_file.read_text(encoding="utf-8") == before
        done = pac("plan", "pull", cwd=tmp_path, env=env)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "PAC_CONFIG=.pac/demo.yaml" in done.stderr and "no sync recorded" in done.stdout + done.stderr
        assert plan_file.read_text(encoding="utf-8") == before and not (tmp_path / ".pac" / "pac.db").exists()
        named = pac("plan", "pull", cwd=tmp_path, env=_env(PAC_CONFIG=".pac/demo.yaml"))
        assert named.returncode == 0, named.stdout + named.stderr
        assert load_plan(plan_file).action("A-01").target == 6
