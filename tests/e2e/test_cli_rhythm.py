"""The monthly rhythm as a manager runs it on the demo's store: ``pac review`` and ``pac notify``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli import run_pac as pac
from tests.receivers import HttpReceiver, SmtpReceiver

JULIE = "julie.martin@durand-process.example"






class TestReview:
    def test_may_review_for_the_manager(self, demo: tuple[Path, dict[str, str]]) -> None:
        """May 2027 as of the demo clock, against the April snapshot: A-01 late at 4 / 5 for Julie; A-09 (Hugo, due
        with April, 2 / 15) was already missed in April's snapshot (taken at April's end), so it is late and
        nothing of it changed in May; the team table and the advisor's five roll-outs (ROI to date, the margin
        against the cost to date: the axes paid back within 6 months; the agro-food maintenance axis, whose
        actions have counted nothing yet, is not rolled out)."""
        where, env = demo
        result = pac("review", "--month", "2027-05", "-o", "mai.md", env=env, cwd=where)
        assert result.returncode == 0, result.stderr
        assert "compared with 2027-04 (snapshot)" in result.stdout
        text = (where / "mai.md").read_text(encoding="utf-8")
        assert "Situation au 20 mai 2027 à 18:00." in text
        assert "Comparée à la revue précédente (avril 2027, instantané gardé alors)." in text
        assert "| Julie Martin | 0 | 0 | 0 | 1 | 2 | 1 |" in text
        julie = text[text.index("## Julie Martin"):]
        late = julie[julie.index("### En retard"):julie.index("### À risque")]
        assert "Visiter 5 clients dormants du 69 en semaine 18 (A-01) | 3–9 mai 2027 | 4 / 5 | Manquée |" in late
        hugo = text[text.index("## Hugo Lambert"):text.index("## Julie Martin")]
        changed = hugo[hugo.index("### Ce qui a changé"):hugo.index("### Prochaines")]
        late = hugo[hugo.index("### En retard"):hugo.index("### À risque")]
        # 15 dormant clients of Gironde to call, 2 in the CRM: the line says so (ActionProgress.out_of_reach)
        assert "(A-09) | 1er–30 avril 2027 | 2 / 15 | Manquée · hors d'atteinte\u00a0: 2 comptes dans le périmètre |" \
            in late
        assert "(A-09)" not in changed and "À risque → Manquée" not in changed
        rollouts = [line for line in text.splitlines() if line.startswith("- **Déployer** ·")]
        assert len(rollouts) == 5 and not [line for line in rollouts if "agroalimentaires" in line], rollouts

    def test_rep_review_in_english_html(self, demo: tuple[Path, dict[str, str]]) -> None:
        """--rep keeps Julie's part only (no team table); --lang en; the page has no script."""
        where, env = demo
        result = pac("review", "--month", "2027-05", "--rep", JULIE, "--lang", "en", "-o", "julie.html",
                     env=env, cwd=where)
        assert result.returncode == 0, result.stderr
        html = (where / "julie.html").read_text(encoding="utf-8")
        assert '<html lang="en">' in html and "Monthly action review" in html
        assert "Julie Martin" in html and "Marc Dubois" not in html and 'id="team"' not in html
        assert "<script" not in html

    def test_first_month(self, demo: tuple[Path, dict[str, str]]) -> None:
        """January, the plan's first month, has no previous review to compare with."""
        where, env = demo
        january = pac("review", "--month", "2027-01", "-o", "jan.md", env=env, cwd=where)
        assert january.returncode == 0, january.stderr
        assert "Premier mois du plan" in (where / "jan.md").read_text(encoding="utf-8")

    @pytest.mark.parametrize(("args", "message"), [
        (("--month", "2027-13"), "is not a month"),
        (("--month", "2027-07"), "has not started yet"),
        (("--month", "2028-02"), "outside the plan's period"),
        (("--rep", "nobody@example.com"), "owns no action"),
    ])
    def test_refusals(self, demo: tuple[Path, dict[str, str]], args: tuple[str, ...], message: str) -> None:
        where, env = demo
        result = pac("review", *args, "-o", "x.html", env=env, cwd=where)
        assert result.returncode == 2 and message in result.stderr, result.stderr

    def test_unknown_suffix_refused(self, demo: tuple[Path, dict[str, str]]) -> None:
        where, env = demo
        result = pac("review", "-o", "x.pdf", env=env, cwd=where)
        assert result.returncode == 2 and ".html or .md" in result.stderr


# -- pac notify -----------------------------------------------------------------------------------
MANAGER = "nathalie.garnier@durand-process.example"
SIGNATURE = "sig-Tz8kQ2mVx7LwR4nJ"          # the Teams webhook's secret part


def store_copy(demo: tuple[Path, dict[str, str]], where: Path, notifications: str) -> dict[str, str]:
    """A copy of the demo store with its own settings file (demo settings + ``notifications``), so each test
    starts with nothing delivered; returns the environment pointing at it."""
    source, env = demo
    for suffix in ("", "-wal", "-shm"):
        if (source / f"demo.db{suffix}").exists():
            shutil.copy(source / f"demo.db{suffix}", where / f"demo.db{suffix}")
    text = (source / "demo.yaml").read_text(encoding="utf-8").replace(str((source / "demo.db").resolve()),
                                                                      str((where / "demo.db").resolve()))
    (where / "pac.yaml").write_text(text + notifications, encoding="utf-8")
    return env | {"PAC_CONFIG": str(where / "pac.yaml")}


def email_settings(port: int, extra: str = "") -> str:
    return (f"notifications:\n  enabled: true\n  email: {{smtp_host: 127.0.0.1, smtp_port: {port}, security: none, "
            f"sender: pac@durand-process.example{extra}}}\n  people:\n"
            f"    - {{who: {MANAGER}, channels: [email]}}\n    - {{who: {JULIE}, channels: [email]}}\n")


class TestNotify:
    def test_dry_run_prints_and_records_nothing(self, demo: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
        """--dry-run prints each digest: Julie's holds A-01 missed at 4 / 5 only; the manager's the team's 4 missed
        and 3 done actions, 2 axes at risk, 5 roll-outs, 2 rejected records (the won deal with no amount is a
        warning, not a rejection); run twice, it prints the same."""
        env = store_copy(demo, tmp_path, email_settings(2525))
        first = pac("notify", "--dry-run", env=env, cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        out = first.stdout
        assert f"== {JULIE} · email · would send · 1 alert(s)" in out
        assert f"== {MANAGER} · email · would send · 16 alert(s)" in out
        julie = out[out.index(f"== {JULIE}"):]
        # French typography: a no-break space before the colon (pac_core.text.french_spacing)
        assert "- Visiter 5 clients dormants du 69 en semaine 18\u00a0: 4 / 5 (Clients dormants Rhône-Alpes)" in julie
        manager = out[out.index(f"== {MANAGER}"):out.index(f"== {JULIE}")]
        for heading in ("Actions manquées (fenêtre close) (4)", "Actions terminées (3)",
                        "Axes en retard sur leur rythme (2)", "Nouvelles recommandations du conseiller (5)",
                        "Enregistrements du CRM rejetés, à corriger (2)"):
            assert heading in manager
        assert pac("notify", "--dry-run", env=env, cwd=tmp_path).stdout == out

    def test_email_once_through_local_smtp(self, demo: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
        """Digests reach the local SMTP server (From the configured sender, To the person); a second run sends
        nothing: the same alert is never sent twice."""
        with SmtpReceiver() as smtp:
            env = store_copy(demo, tmp_path, email_settings(smtp.port))
            result = pac("notify", env=env, cwd=tmp_path)
            assert result.returncode == 0, result.stdout + result.stderr
            assert "2 digest(s) sent, 0 not sent" in result.stdout
            by_rcpt = {rcpt[0]: (sender, message) for sender, rcpt, message in smtp.messages}
            assert sorted(by_rcpt) == [JULIE, MANAGER]
            sender, message = by_rcpt[JULIE]
            assert sender == "pac@durand-process.example"
            assert message["Subject"] == "PAC — ce qui a changé pour vous (1)"
            assert "Visiter 5 clients dormants du 69 en semaine 18\u00a0: 4 / 5" in smtp.text_of(message)
            again = pac("notify", env=env, cwd=tmp_path)
            assert again.returncode == 0 and "nothing new to send" in again.stdout
            assert len(smtp.messages) == 2

    def test_teams_workflow_webhook_and_redaction(self, demo: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
        """A Teams (Workflows) webhook on a loopback HTTPS receiver: refused once (exit 1, the webhook's secret
        never printed, nothing recorded), then delivered on the next run with the digest in an adaptive card."""
        settings = ("notifications:\n  enabled: true\n  people:\n"
                    f"    - {{who: {MANAGER}, channels: [teams], teams: PAC_TEAMS_MANAGERS}}\n")
        with HttpReceiver(tls=True, status=403) as hook:
            env = store_copy(demo, tmp_path, settings) | {
                "PAC_TEAMS_MANAGERS": f"workflows://127.0.0.1:{hook.port}/wf0123/{SIGNATURE}",
                "REQUESTS_CA_BUNDLE": hook.ca_path}
            refused = pac("notify", env=env, cwd=tmp_path)
            assert refused.returncode == 1, refused.stdout + refused.stderr
            assert "NOT SENT" in refused.stdout and SIGNATURE not in refused.stdout + refused.stderr
            hook.status = 200
            sent = pac("notify", env=env, cwd=tmp_path)
            assert sent.returncode == 0, sent.stdout + sent.stderr
        path, _headers, body = hook.requests[-1]
        assert path.startswith("/workflows/wf0123/triggers/manual/paths/invoke") and f"sig={SIGNATURE}" in path
        card = json.dumps(body, ensure_ascii=False)
        assert "PAC — ce qui a changé pour vous (16)" in card and "Visiter 5 clients dormants du 69" in card
        assert len(hook.requests) == 2

    def test_smtp_password_from_secrets_file_never_printed(self, demo: tuple[Path, dict[str, str]],
                                                           tmp_path: Path) -> None:
        """The SMTP password comes from the 0600 secrets file; a server that refuses the login makes the digest
        fail (exit 1) and the password appears nowhere in the output."""
        password = "Smtp-Pa55word-2027"
        secrets = tmp_path / "secrets.env"
        secrets.write_text(f"PAC_SMTP_PASSWORD={password}\n", encoding="utf-8")
        secrets.chmod(0o600)
        with SmtpReceiver() as smtp:
            env = store_copy(demo, tmp_path, email_settings(smtp.port, ", user: pac@durand-process.example"))
            env["PAC_SECRETS_FILE"] = str(secrets)
            result = pac("-v", "notify", env=env, cwd=tmp_path)
        assert result.returncode == 1 and "0 digest(s) sent, 2 not sent" in result.stdout
        assert password not in result.stdout + result.stderr

    def test_settings_errors_are_located(self, demo: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
        """A Slack channel without its variable, and a webhook URL pasted where a variable name goes: exit 2,
        each at its file and line with the fix; the pasted URL is not echoed in full."""
        settings = ("notifications:\n  enabled: true\n  people:\n"
                    f"    - {{who: {JULIE}, channels: [slack]}}\n"
                    f"    - {{who: {MANAGER}, channels: [teams], teams: 'https://x.logic.azure.com/{SIGNATURE}'}}\n")
        env = store_copy(demo, tmp_path, settings)
        result = pac("notify", "--dry-run", env=env, cwd=tmp_path)
        assert result.returncode == 2, result.stdout + result.stderr
        lines = (tmp_path / "pac.yaml").read_text(encoding="utf-8").splitlines()
        slack_line = next(i for i, line in enumerate(lines, 1) if "channels: [slack]" in line)
        assert f"pac.yaml:{slack_line} notifications.people[0]" in result.stderr
        assert "channel slack needs the variable holding its webhook URL" in result.stderr
        assert "names an environment variable, not a value" in result.stderr and SIGNATURE not in result.stderr


class TestNightlyHook:
    def test_after_sync_sends_only_when_enabled_and_the_sync_got_through(
            self, demo: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
        """``after_sync`` (the last step of ``pac sync`` and of the scheduler's job) sends nothing when disabled
        or after a failed run, sends the digests after an ok or partial one, and never the same alert twice."""
        from pac_config.settings import load_settings
        from sync_jobs.notify import after_sync

        with SmtpReceiver() as smtp:
            env = store_copy(demo, tmp_path, email_settings(smtp.port))
            settings = load_settings(env["PAC_CONFIG"], env={})
            disabled = settings.model_copy(update={
                "notifications": settings.notifications.model_copy(update={"enabled": False})})
            assert after_sync(disabled, None, "ok") is None
            assert after_sync(settings, None, "failed") is None
            assert smtp.messages == []
            result = after_sync(settings, None, "partial")
            assert result is not None and [d.delivered for d in result.deliveries] == [True, True]
            assert len(smtp.messages) == 2
            again = after_sync(settings, None, "ok")
            assert again is not None and again.deliveries == [] and len(smtp.messages) == 2
