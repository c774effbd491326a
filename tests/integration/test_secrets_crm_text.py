"""A credential inside a CRM or plan text, and text that only looks like one (audit secretsaudit).

« decided 7 Dec 2026 (audit secretsaudit) », docs/operations.md (Secrets): pac hides its own credentials wherever
it shows text, CRM and plan text included (the registered values, the environment's and the secrets file's
credential values, a Salesforce session id's or a HubSpot token's shape, a URL's password); the rest of a CRM or
plan text is shown as written. The patterns that catch a credential echoed in a message (``password=…``,
``Bearer …``) apply to pac's messages and logs, not to an account's name or a visit's subject.
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest

from sync_jobs.report import render_html, write_xlsx
from sync_jobs.report.fmt import NBSP, NNBSP
from tests.unit import report_fixtures as fx

# looks like a credential to a pattern, is none: a company, a visit's subject
COMPANY = "Bearer Solutions GmbH"
SUBJECT = "Reset password: done for the client"
# pac's own HubSpot OAuth access token (no shape a pattern knows), kept in the secrets file only
FILE_TOKEN = "CNqW8fLzMxIVAgEBAAAA2jJ1YkZp7rT0u3sQ"


def _plain(html: str) -> str:
    return unescape(html).replace(NNBSP, " ").replace(NBSP, " ")


def _inputs(name: str, action_text: str):  # type: ignore[no-untyped-def]
    inputs = fx.inputs()
    plan = inputs.plan
    actions = list(plan.actions)
    actions[0] = replace(actions[0], text=action_text)
    return replace(inputs, plan=replace(plan, name=name, actions=tuple(actions)))


@pytest.fixture
def secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The credentials in the secrets file only, none of them in the environment (the production set-up)."""
    file = tmp_path / "secrets.env"
    file.write_text(f"PAC_HS_ACCESS_TOKEN={FILE_TOKEN}\n", encoding="utf-8")
    file.chmod(0o600)
    for name in ("PAC_HS_ACCESS_TOKEN", "PAC_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PAC_SECRETS_FILE", str(file))
    return file


class TestCrmTextAsWritten:
    def test_a_company_and_a_subject_that_look_like_credentials_read_as_written(self) -> None:
        """« Bearer Solutions GmbH » and « Reset password: done for the client » in the report, HTML and XLSX, as
        the CRM and the plan have them. Seen failing before the decision: the page read « Bearer *** GmbH » and
        « Reset password: *** for the client » (the log patterns ran on every text of the page)."""
        inputs = _inputs(f"PAC {COMPANY}", SUBJECT)
        page = _plain(render_html(inputs, "en"))
        assert f"PAC {COMPANY}" in page and SUBJECT in page
        assert "Bearer ***" not in page.replace("Authorization: Bearer ***", "")

    def test_the_workbook_reads_them_as_written_too(self, tmp_path: Path) -> None:
        path = write_xlsx(_inputs(f"PAC {COMPANY}", SUBJECT), tmp_path / "r.xlsx", "en")
        with zipfile.ZipFile(path) as book:
            cells = unescape(b"".join(book.read(n) for n in book.namelist()).decode("utf-8", "replace"))
        assert COMPANY in cells and SUBJECT in cells

    def test_the_runs_errors_are_still_redacted_as_messages(self) -> None:
        """pac's own messages on the page (the run's errors) keep the log's redaction: an echoed ``Authorization:
        Bearer …`` and a URL's password are hidden, in the page and the workbook's rows."""
        page = _plain(render_html(fx.inputs(), "en"))
        assert fx.TOKEN not in page and "Sup3rS3cret" not in page
        assert "Authorization: Bearer ***" in page


class TestOwnCredentialsInCrmText:
    def test_a_token_kept_in_the_secrets_file_and_pasted_in_crm_text_is_hidden(self, secrets_file: Path,
                                                                               tmp_path: Path) -> None:
        """pac's HubSpot token, in the secrets file only, pasted in an action's text and the plan's name: hidden in
        the HTML report and the workbook. Seen failing before the fix: a report builds no connector, so nothing had
        registered the file's values, and only the environment's were scrubbed: the token was printed."""
        inputs = _inputs(f"PAC {FILE_TOKEN}", f"Call back, token {FILE_TOKEN} pasted by mistake")
        page = render_html(inputs, "en")
        assert FILE_TOKEN not in page and "Call back, token *** pasted by mistake" in _plain(page)
        path = write_xlsx(inputs, tmp_path / "r.xlsx", "en")
        with zipfile.ZipFile(path) as book:
            assert FILE_TOKEN.encode() not in b"".join(book.read(n) for n in book.namelist())

    def test_a_crm_token_shape_is_hidden_without_any_registration(self) -> None:
        """A Salesforce session id or a HubSpot private app token in a CRM text: hidden by its shape alone."""
        session = "00D5g000000PACsb!AQ4AQFxk2Yq8lR3mT9vW1zB7cD5eF6gH8iJ0kL"
        private = "pat-eu1-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
        page = render_html(_inputs("PAC", f"notes {session} and {private}"), "en")
        assert session not in page and private not in page and "notes *** and ***" in _plain(page)
