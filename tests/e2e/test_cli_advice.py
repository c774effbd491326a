"""`pac advice` as a manager runs it after a sync against the sandbox CRM: one language per output."""

from __future__ import annotations

import os

import pytest

from sandbox_crm.run import start_sandbox
from tests.e2e.test_cli_sync import pac
from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_settings


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("advice")
    with start_sandbox() as crm:
        settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        for c in sandbox_connectors(settings, crm).values():
            c.close()
        env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source}
        env.pop("PAC_DATABASE_URL", None)
        done = pac(env, tmp_path, "sync")
        assert done.returncode in (0, 1), done.stderr
        yield env, tmp_path


class TestAdvice:
    def test_one_axis_in_french_with_its_kpis(self, synced) -> None:
        """`pac advice AX-RA-DORM` names the axis and lists the KPIs the plan names for it, in French."""
        env, cwd = synced
        done = pac(env, cwd, "advice", "AX-RA-DORM", "--as-of", "2027-05-20T12:00:00+02:00")
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0] == "AX-RA-DORM Clients dormants Rhône-Alpes"
        kpis = next(line for line in lines if line.startswith("  indicateurs : "))
        assert "Comptes visités :" in kpis and "Taux de réactivation :" in kpis and "CA par visite :" in kpis

    def test_every_axis_in_english(self, synced) -> None:
        """With --lang en every sentence and label is English: no French rule word is printed."""
        env, cwd = synced
        done = pac(env, cwd, "advice", "--lang", "en", "--as-of", "2027-05-20T12:00:00+02:00")
        assert done.returncode == 0, done.stderr
        out = done.stdout
        assert out.strip() and "Prioriser" not in out and "Déployer" not in out and "indicateurs" not in out
        assert all(line.startswith(("AX-", "  ")) or line.startswith("No recommendation") for line in out.splitlines())

    def test_status_lists_the_advice(self, synced) -> None:
        """`pac status` ends with one line per advised axis and points to `pac advice` for the evidence."""
        env, cwd = synced
        done = pac(env, cwd, "status")
        assert done.returncode == 0, done.stderr
        assert "evidence: pac advice AXIS" in done.stdout and "  AX-" in done.stdout

    def test_unknown_axis_exit_2(self, synced) -> None:
        """An axis id that does not exist: exit 2 naming the plan's axes."""
        env, cwd = synced
        done = pac(env, cwd, "advice", "AX-NOPE")
        assert done.returncode == 2 and "AX-RA-DORM" in done.stderr
