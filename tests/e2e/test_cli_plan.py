"""`pac plan check | import | schema` as a manager runs them."""

import json
import subprocess
from pathlib import Path

from click.testing import CliRunner

from sync_jobs.cli import main
from tests.cli import PAC

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "plans" / "example.pac.yaml"
SAMPLE = ROOT / "config" / "plans" / "example.actions.csv"
DATA = ROOT / "tests" / "data" / "plans"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


class TestPlanCheck:
    def test_example_is_ok(self) -> None:
        """The example plan passes with its summary line."""
        code, out = run("plan", "check", str(EXAMPLE))
        assert (code, out.strip()) == (0, "✓ plan OK : 6 segments, 8 axes, 20 actions")

    def test_five_errors_five_lines_exit_2(self) -> None:
        """Every problem is one line `file:line key: message (fix)`, then a count; exit code 2."""
        code, out = run("plan", "check", str(DATA / "five_errors.pac.yaml"))
        lines = out.strip().splitlines()
        assert code == 2
        assert len(lines) == 6 and lines[-1].endswith("5 problems")
        assert all(line.startswith(f"{DATA / 'five_errors.pac.yaml'}:") for line in lines[:5])
        assert "actions[0].when: week 54 does not exist in 2027" in out

    def test_brackets_in_paths_survive_rich(self) -> None:
        """Key paths such as segments[0] are printed literally (not eaten as Rich markup)."""
        _, out = run("plan", "check", str(DATA / "five_errors.pac.yaml"))
        assert "segments[0].scope.industri" in out

    def test_missing_file(self) -> None:
        """A missing file is a bad input, exit 2."""
        code, out = run("plan", "check", str(DATA / "absent.pac.yaml"))
        assert code == 2 and "file not found" in out


class TestPlanImport:
    def test_import_writes_a_valid_plan(self, tmp_path: Path) -> None:
        """The sample CSV becomes a plan file that `pac plan check` accepts, warning of what its header asks to fill
        in: 5 axes with no objective, 4 empty SWOTs, 6 people with no role and no manager
        (tests/unit/test_plan_check_unfilled.py)."""
        out_file = tmp_path / "imported.pac.yaml"
        code, out = run("plan", "import", str(SAMPLE), "-o", str(out_file), "--year", "2027")
        assert code == 0 and "plan written to" in out
        code, out = run("plan", "check", str(out_file))
        assert code == 0 and out.splitlines()[0] == "✓ plan OK : 4 segments, 5 axes, 7 actions", out
        warned = [line.split(": ", 2)[1] for line in out.splitlines()[1:]]   # a French plan: « axe » (audit clifr)
        assert sorted(w.split()[-2] for w in warned) == ["axe"] * 5 + ["people"] * 6 + ["segment"] * 4, out

    def test_import_to_stdout(self) -> None:
        """Without -o the YAML is printed."""
        code, out = run("plan", "import", str(SAMPLE), "--year", "2027", "--plan-name", "PAC Ouest")
        assert code == 0 and "name: PAC Ouest" in out and "A-07" in out

    def test_bad_rows_write_nothing(self, tmp_path: Path) -> None:
        """With a bad row, nothing is written and the row is named; exit 2."""
        bad = tmp_path / "bad.csv"
        bad.write_text(SAMPLE.read_text(encoding="utf-8").replace(";visite;5;semaine 18;", ";visitt;5;semaine 54;"),
                       encoding="utf-8")
        out_file = tmp_path / "out.pac.yaml"
        code, out = run("plan", "import", str(bad), "-o", str(out_file), "--year", "2027")
        assert code == 2
        assert "bad.csv line 2, column 'Quoi (activité)': unknown activity 'visitt'" in out
        assert "bad.csv line 2, column 'Quand': week 54 does not exist" in out
        assert "nothing written" in out
        assert not out_file.exists() and list(tmp_path.iterdir()) == [bad]

    def test_errors_without_output_never_go_into_the_printed_plan(self, tmp_path: Path) -> None:
        """Without -o the plan goes to stdout, so `pac plan import x.csv > plan.pac.yaml` works: the problems go to
        stderr and stdout stays empty (audit ops2: they were printed on stdout, into the redirected plan file; seen
        failing before the fix: stdout held the problem lines)."""
        bad = tmp_path / "bad.csv"
        bad.write_text(SAMPLE.read_text(encoding="utf-8").replace(";visite;5;semaine 18;", ";visitt;5;semaine 54;"),
                       encoding="utf-8")
        for args in (["plan", "import", str(bad), "--year", "2027"],
                     ["plan", "import", str(SAMPLE), "--tz", "Mars/Olympus"]):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 2 and result.stdout == "", result.stdout
            assert "problem" in result.stderr

    def test_missing_columns(self, tmp_path: Path) -> None:
        """A spreadsheet without the required columns lists them; exit 2."""
        bad = tmp_path / "bad.csv"
        bad.write_text("Segment;Axe\nA;B\n", encoding="utf-8")
        code, out = run("plan", "import", str(bad), "--year", "2027")
        assert code == 2 and "missing column(s): Action, Qui, Quoi, Combien, Quand" in out

    def test_existing_output_needs_force(self, tmp_path: Path) -> None:
        """An existing output file is kept unless --force is given."""
        out_file = tmp_path / "plan.pac.yaml"
        out_file.write_text("# mine\n", encoding="utf-8")
        code, out = run("plan", "import", str(SAMPLE), "-o", str(out_file), "--year", "2027")
        assert code == 2 and "--force" in out and out_file.read_text(encoding="utf-8") == "# mine\n"
        code, _ = run("plan", "import", str(SAMPLE), "-o", str(out_file), "--year", "2027", "--force")
        assert code == 0 and out_file.read_text(encoding="utf-8").startswith("# Importé de")

    def test_bad_timezone_option(self) -> None:
        """An unknown --tz (or --timezone, its other name, which the message names too) is refused before reading the
        file."""
        for option in ("--tz", "--timezone"):
            code, out = run("plan", "import", str(SAMPLE), option, "Mars/Olympus")
            assert code == 2 and "option --tz / --timezone: unknown timezone 'Mars/Olympus'" in out, out


class TestPlanSchema:
    def test_schema_matches_the_shipped_file(self) -> None:
        """`pac plan schema` prints what config/plan.schema.json holds."""
        code, out = run("plan", "schema")
        shipped = json.loads((ROOT / "config" / "plan.schema.json").read_text(encoding="utf-8"))
        assert code == 0 and json.loads(out) == shipped


class TestInstalledCommand:
    def test_pac_plan_check_in_a_subprocess(self) -> None:
        """The installed `pac` script checks the example (exit 0) and a bad plan (exit 2)."""
        ok = subprocess.run([*PAC, "plan", "check", str(EXAMPLE)], capture_output=True, text=True,
                            timeout=60, check=False)
        assert ok.returncode == 0 and "✓ plan OK : 6 segments, 8 axes, 20 actions" in ok.stdout
        bad = subprocess.run([*PAC, "plan", "check", str(DATA / "week_54.pac.yaml")], capture_output=True,
                             text=True, timeout=60, check=False)
        assert bad.returncode == 2 and "week 54 does not exist" in bad.stdout


class TestImportThenLint:
    """Audit 4: the statement says one thing, the columns another: the import warns per row, and
    `pac plan lint` on the imported file shows the window actually counted (the `when:`), not the statement's."""

    CSV = ("Segment;Axe;Action;Qui;Quoi;Combien;Quand;Périmètre\n"
           "Rhône-Alpes;Clients dormants;Visiter 5 clients dormants du 69 en semaine 18;"
           "julie.martin@durand-process.example;appel;50;S28;département: 38\n")

    def test_the_import_warns_and_the_lint_shows_the_counted_window(self, tmp_path: Path) -> None:
        source = tmp_path / "pac.csv"
        source.write_text(self.CSV, encoding="utf-8")
        out_file = tmp_path / "plan.pac.yaml"
        code, out = run("plan", "import", str(source), "--year", "2027", "-o", str(out_file))
        assert code == 0, out
        warning = next(line for line in out.splitlines() if line.startswith("warning:"))
        assert "line 2 (A-01)" in warning and "S28 (2027-07-12 to 2027-07-18)" in warning and "50" in warning
        code, out = run("plan", "lint", str(out_file), "--format", "json")
        item = json.loads(out)[0]
        assert item["counted_window"]["label"] == "S28"
        assert item["counted_window"]["start"].startswith("2027-07-12")
        assert item["parsed"]["window"]["label"] == "semaine 18"          # the statement's reading, unchanged
        assert {d["field"]: d["value"] for d in item["disagreements"]} == {
            "what.activity": "call", "what.count": "50", "when": "S28 (2027-07-12 to 2027-07-18)", "what.scope": "38"}
        result = CliRunner().invoke(main, ["plan", "lint", str(out_file)], env={"COLUMNS": "1000"})
        assert "S28 (2027-07-12 to 2027-07-18)" in result.stdout
        # one warning per action, with the statement's line: the window counted and the statement's, and the rest
        line = out_file.read_text(encoding="utf-8").splitlines().index(
            "    text: Visiter 5 clients dormants du 69 en semaine 18") + 1
        assert (f"warning: {out_file}:{line} A-01: the statement and the fields disagree: statement says Visiter "
                "(visit), what.activity call; statement says 5, what.count 50; statement says semaine 18 (2027-05-03 "
                "to 2027-05-09), when S28 (2027-07-12 to 2027-07-18); statement says département 69, what.scope 38 "
                "(the fields are what pac counts") in " ".join(result.stdout.split())
        assert "the window counted is" not in result.stdout       # said once, by the warning


class TestLintAfterAPull:
    def test_a_target_the_statement_contradicts_is_warned_with_its_line_and_fix(self, tmp_path: Path) -> None:
        """Audit longlife F3: `pac plan pull` wrote A-01's target 6 from a CRM; its statement still says 5. `pac plan
        lint` warns with the file, the statement's line and the fix (as `pac plan import` does per row). Seen failing
        before the fix: no word (the check existed in the importer only)."""
        plan = tmp_path / "plan.pac.yaml"
        text = EXAMPLE.read_text(encoding="utf-8")
        written = "what: {activity: visite, count: 5, counting: comptes distincts"
        assert written in text
        plan.write_text(text.replace(written, written.replace("count: 5", "count: 6"), 1), encoding="utf-8")
        result = CliRunner().invoke(main, ["plan", "lint", str(plan)], env={"COLUMNS": "1000"})
        line = text.splitlines().index('    text: "Visiter 5 clients dormants du 69 en semaine 18"') + 1
        assert (f"warning: {plan}:{line} A-01: the statement and the fields disagree: statement says 5, what.count 6 "
                "(the fields are what pac counts, the statement what reps read in the CRM and the report: rewrite "
                "text: or the fields so that they say the same)") in " ".join(result.stdout.split())
        code, out = run("plan", "lint", str(plan), "--format", "json")
        assert code == 1        # the example's objectives and intention, not the warnings
        [a01] = [item for item in json.loads(out) if item.get("id") == "A-01"]
        assert a01["disagreements"] == [{"field": "what.count", "statement": "statement says 5", "value": "6"}]
