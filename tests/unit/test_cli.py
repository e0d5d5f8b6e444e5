"""The command line contract: validate, schema, list, show, --version."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.cli.jobaid import EXAMPLE_NOTE
from app.cli.main import main
from app.format.model import json_schema
from tests.unit.cli_support import isolate, run

ROOT = Path(__file__).resolve().parents[2]
GOOD = "wayguide: 1\nid: {id}\ntitle: {title}\nsteps: [{{id: a, title: A}}]\n"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate(tmp_path, monkeypatch)


def test_bundled_library_validates() -> None:
    code, out, err = run("validate", str(ROOT / "wizards"))
    assert code == 0, out
    assert "0 errors" in err


def test_every_bundled_wizard_has_the_schema_modeline() -> None:
    files = sorted((ROOT / "wizards").glob("*.y*ml"))
    assert len(files) >= 6
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../resources/wizard.schema.json", path


def test_validate_reports_errors_and_exits_1(tmp_path: Path) -> None:
    good = tmp_path / "w" / "good.yaml"
    good.parent.mkdir()
    good.write_text(GOOD.format(id="good", title="Good"))
    bad = tmp_path / "w" / "bad.yaml"
    bad.write_text("wayguide: 1\nid: bad\ntitel: x\n")
    code, out, err = run("validate", str(tmp_path / "w"))
    assert code == 1
    assert out.splitlines() == [
        f"{bad}:1:1: error: missing required key 'title'",
        f"{bad}:1:1: error: missing required key 'steps'",
        f"{bad}:3:1: error: unknown key 'titel' (did you mean 'title'?)",
    ]
    assert err == "2 files: 3 errors, 0 warnings\n"


def test_validate_missing_path_exits_1(tmp_path: Path) -> None:
    code, _, err = run("validate", str(tmp_path / "nope.yaml"))
    assert code == 1 and "no such file or folder" in err


def test_validate_without_paths_checks_the_whole_library(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("wayguide: 1\n")
    monkeypatch.setenv("WAYGUIDE_WIZARDS", str(extra))
    code, out, _ = run("validate")
    assert code == 1 and str(extra) in out


def test_schema_file_in_resources_is_current() -> None:
    stored = json.loads((ROOT / "resources" / "wizard.schema.json").read_text(encoding="utf-8"))
    assert stored == json_schema(), "run: wayguide schema > resources/wizard.schema.json"
    code, out, _ = run("schema")
    assert code == 0 and json.loads(out) == stored


def test_list_json_has_the_documented_fields(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(GOOD.format(id="zz.mine", title="Zz mine"))
    monkeypatch.setenv("WAYGUIDE_WIZARDS", str(mine))
    code, out, _ = run("list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) >= 7
    row = next(r for r in rows if r["id"] == "zz.mine")
    assert row["title"] == "Zz mine" and row["modes"] == ["glass"] and row["source"] == str(mine)
    assert {"id", "title", "modes", "source"} <= set(rows[0])


def test_list_plain_is_one_line_per_wizard() -> None:
    code, out, _ = run("list")
    assert code == 0
    assert any(line.startswith("mousepad.customer-letter ") for line in out.splitlines())


def test_list_active_without_a_display_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    code, _, err = run("list", "--active")
    assert code == 1
    assert err.startswith("wayguide: error: cannot tell which window is in front:")


def test_show_prints_a_job_aid() -> None:
    code, out, _ = run("show", "mousepad.customer-letter")
    assert code == 0
    assert out.startswith("# ")
    assert "## Steps" in out and "### 1. " in out


def test_a_job_aid_shows_a_pattern_s_stars_as_stars_not_emphasis() -> None:
    code, out, _ = run("show", "mousepad.save-as-pdf")
    assert code == 0
    assert "*Done when: Mousepad titled “\\*Mousepad” in front.*" in out
    assert "“\\*/Documents/\\*\\.pdf” \\(push button\\) there" in out


def test_show_unknown_id_suggests(tmp_path: Path) -> None:
    code, _, err = run("show", "mousepad.customer-leter")
    assert code == 1
    assert err == ("wayguide: error: no wizard with id 'mousepad.customer-leter' "
                   "(did you mean 'mousepad.customer-letter'?)\n")


def test_version_and_entry_point() -> None:
    done = subprocess.run([sys.executable, "-m", "app", "--version"], capture_output=True,
                          text=True, check=True)
    assert done.stdout.startswith("wayguide ")


def test_usage_error_exits_2() -> None:
    done = subprocess.run([sys.executable, "-m", "app", "frobnicate"], capture_output=True,
                          text=True)
    assert done.returncode == 2


def test_the_library_commands_use_the_policy_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "s.yaml").write_text(GOOD.format(id="from.share", title="From the share"))
    use_policy(tmp_path, monkeypatch, f"library:\n  folders: [{share}]\n")
    code, out, _ = run("list", "--json")
    assert code == 0
    assert {"id": "from.share", "layer": "policy"}.items() <= next(
        row for row in json.loads(out) if row["id"] == "from.share").items()
    code, out, err = run("validate")
    assert code == 0 and "0 errors" in err


def use_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    policy = tmp_path / "policy.yaml"
    policy.write_text(text)
    monkeypatch.setenv("WAYGUIDE_POLICY", str(policy))
    return policy


def test_validate_reports_a_broken_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = use_policy(tmp_path, monkeypatch, "modes: [glass]\nlockd: [hotkey]\n")
    code, out, _ = run("validate")
    assert code == 1
    assert (f"{policy}:2:1: error: unknown key 'lockd' (did you mean 'locked'?; this section's defaults "
            "apply)") in out.splitlines()
    code, _, err = run("list")
    assert code == 0 and "unknown key 'lockd'" in err


def test_doctor_shows_the_policy_in_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = use_policy(tmp_path, monkeypatch, "modes: [glass]\nlocked: [theme]\n")
    monkeypatch.delenv("DISPLAY", raising=False)
    _, out, _ = run("doctor")
    lines = [line.strip() for line in out.splitlines()]
    assert any(line.startswith("✓ policy") and line.endswith(f"{policy} (WAYGUIDE_POLICY)") for line in lines)
    assert "modes: glass" in lines and "locked: theme" in lines


def test_doctor_says_how_each_source_is_from_the_app_s_cache(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Doctor fetches nothing: it reads the state the running app keeps beside each copy (an HTTPS source,
    a policy folder on a network share): up to date, offline since when with the copy's date, or never
    fetched."""
    from app.library.remote import RemoteSource, url_store
    from app.library.share import ShareSource
    from app.paths import Paths

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr("app.library.share.is_network", lambda folder, mountinfo=None: folder.name == "share")
    share, local = tmp_path / "share", tmp_path / "local"
    for folder in (share, local):
        folder.mkdir()
        (folder / "a.yaml").write_text("wayguide: 1\nid: a\ntitle: A\nsteps: [{id: s, title: S}]\n")
    url, never = "https://intranet.example/wizards", "https://other.example/w/"
    use_policy(tmp_path, monkeypatch, f"library:\n  folders: ['{share}', '{local}']\n"
                                      f"  urls: ['{url}', '{never}']\n")
    copies = Paths.from_env().source_copies
    store = url_store(url, copies)
    assert store.root == RemoteSource(url, copies).store.root  # where the app keeps it
    staging = store.staging()
    (staging / "a.yaml").write_text("copied")
    store.commit(staging)
    store.failed("connection refused")
    ShareSource(share, copies).poll()

    _, out, _ = run("doctor")

    lines = [line for line in out.splitlines() if line[2:].startswith("source")]
    assert len(lines) == 3
    assert lines[0].startswith("! source ") and lines[0].endswith(
        f" {url}: offline since {_minute(store.status().offline_since)} (connection refused); "
        f"working from the copy of {_minute(store.status().changed_at)}")
    assert lines[1].startswith("! source ") and lines[1].endswith(
        f" {never}: not fetched yet (the app fetches it when it runs)")
    assert lines[2].startswith("✓ source ") and f" {share}: up to date (checked " in lines[2]
    assert str(local) not in "\n".join(lines)  # a local folder is read in place: no copy to tell of


def _minute(epoch: float | None) -> str:
    import datetime

    assert epoch is not None
    return datetime.datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M")


def test_doctor_tells_where_usage_data_goes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    for name, value in {"WAYGUIDE_LRS_ENDPOINT": "https://env.example/xAPI/",
                        "WAYGUIDE_LRS_USERNAME": "u", "WAYGUIDE_LRS_PASSWORD": "p"}.items():
        monkeypatch.setenv(name, value)
    _, out, _ = run("doctor")  # no policy file: the environment's LRS is used, and doctor says so
    lines = [line.strip() for line in out.splitlines()]
    assert any(line.startswith("✓ LRS") and line.endswith(
        " https://env.example/xAPI/ (from WAYGUIDE_LRS_ENDPOINT: there is no policy file)")
        for line in lines)
    use_policy(tmp_path, monkeypatch, "usage: {enabled: true}\n")
    _, out, _ = run("doctor")
    assert any(line.startswith("✓ LRS") and line.endswith(
        "nothing is sent: the policy names no LRS (WAYGUIDE_LRS_ENDPOINT, WAYGUIDE_LRS_PASSWORD, "
        "WAYGUIDE_LRS_USERNAME ignored: the policy decides)") for line in out.splitlines())
    assert "s3cr3t-pw" not in out


DRY = """\
wayguide: 1
id: t.dry
title: Dry letter
modes: [black, glass]
inputs:
  - {name: customer, label: Customer, required: true}
  - {name: pin, label: PIN, type: secret}
steps:
  - id: write
    title: Write to {{ inputs.customer }}
    do: [{type: "Dear {{ inputs.customer }}, PIN {{ inputs.pin }}\\n"}, {keys: ctrl+s}]
  - id: kind
    title: Business customer?
    choice: [{label: "Yes", goto: vat}, {label: "No", goto: save}]
  - {id: vat, title: Check the VAT number, checklist: [present, validated]}
  - id: save
    title: Save
    do: [{wait: {title: "Save As*", timeout: 5}}, {run: [echo, "{{ inputs.pin }}"]}]
"""


def test_dry_run_prints_every_step_and_action_with_inputs_filled_in_and_secrets_masked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYGUIDE_RUNTIME_DIR", str(tmp_path / "no-app-here"))
    monkeypatch.setattr("app.platform.ipc.send", lambda *a, **k: pytest.fail("a dry run contacted the app"))
    wizard = tmp_path / "dry.yaml"
    wizard.write_text(DRY)
    code, out, err = run("run", str(wizard), "--dry-run", "--set", "customer=Ann", "--set", "pin=4711")
    assert (code, err) == (0, "")
    assert "4711" not in out
    assert out == (
        "Dry run of t.dry (black box): nothing is done.\n"
        "1. Write to Ann\n"
        "   - Wayguide would: type `Dear Ann, PIN ••••••⏎`.\n"
        "   - Wayguide would: press Ctrl+S.\n"
        "2. Business customer?\n"
        "   - you: This step needs your decision.\n"
        "   - your decision: Yes · No\n"
        "   ▸ if “Yes”:\n"
        "   3. Check the VAT number\n"
        "      - you: Tick the checklist, then press Next.\n"
        "      - [ ] present\n"
        "      - [ ] validated\n"
        "   4. Save\n"
        "      - Wayguide would: wait until the window titled Save As* appears.\n"
        "      - Wayguide would: run `echo ••••••`. (refused here: from this folder no program starts, says "
        "the admin policy)\n"
        "   Completed: 4 steps, 2 done by Wayguide, 2 by you.\n"
        "   ▸ if “No”:\n"
        "   3. Save\n"
        "      - Wayguide would: wait until the window titled Save As* appears.\n"
        "      - Wayguide would: run `echo ••••••`. (refused here: from this folder no program starts, says "
        "the admin policy)\n"
        "   Completed: 3 steps, 2 done by Wayguide, 1 by you.\n")
    assert not (tmp_path / "no-app-here").exists()


@pytest.mark.parametrize("option", ["2", "no", "No"])
def test_dry_run_follows_one_option_where_choose_names_it(tmp_path: Path, option: str) -> None:
    wizard = tmp_path / "dry.yaml"
    wizard.write_text(DRY)
    code, out, _ = run("run", str(wizard), "--dry-run", "--set", "customer=Ann", "--choose", f"kind={option}")
    assert code == 0 and "   - your decision: “No” (--choose)\n3. Save\n" in out and "VAT" not in out
    code, out, _ = run("run", str(wizard), "--dry-run", "--set", "customer=Ann", "--choose", "kind=Maybe")
    assert "--choose kind=Maybe: no such option; following them all" in out and "▸ if “No”" in out


def test_dry_run_prints_text_not_markdown(tmp_path: Path) -> None:
    wizard = tmp_path / "md.yaml"
    wizard.write_text(DRY.replace("title: Write to {{ inputs.customer }}",
                                  "title: Write to **{{ inputs.customer }}**"))
    code, out, _ = run("run", str(wizard), "--dry-run", "--set", "customer=Ann *Co* (x)",
                       "--choose", "kind=1")
    assert code == 0 and "1. Write to Ann *Co* (x)\n" in out and "\\" not in out


def test_dry_run_in_glass_box_shows_what_show_me_would_do(tmp_path: Path) -> None:
    wizard = tmp_path / "dry.yaml"
    wizard.write_text(DRY)
    code, out, _ = run("run", str(wizard), "--dry-run", "--mode", "glass", "--set", "customer=Bo")
    assert code == 0
    assert "   - Show me would: type `Dear Bo, PIN ⏎`.\n" in out
    assert "you:" not in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--set", "pin=1"], "wayguide: error: --set customer: Required.\n"),
    (["--set", "customer=A", "--set", "colour=red"],
     "wayguide: error: --set colour: Not an input of this wizard.\n"),
])
def test_dry_run_with_wrong_inputs_says_which(tmp_path: Path, argv: list[str], message: str) -> None:
    wizard = tmp_path / "dry.yaml"
    wizard.write_text(DRY)
    code, out, err = run("run", str(wizard), "--dry-run", *argv)
    assert (code, out, err) == (1, "", message)


def test_dry_run_of_a_broken_file_or_unknown_id(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("wayguide: 1\nid: x\ntitle: X\nsteps: [{id: a, title: A, do: [{tpye: x}]}]\n")
    code, _, err = run("run", str(broken), "--dry-run")
    assert code == 1 and err.startswith(f"wayguide: error: {broken}:") and "did you mean 'type'" in err
    code, _, err = run("run", "no.such-wizard", "--dry-run")
    assert (code, err) == (1, "wayguide: error: no wizard with id 'no.such-wizard' (see: wayguide list)\n")


def odd_library(tmp_path: Path) -> Path:
    """A shared folder with one of each odd thing of issue 11 (7) beside a good wizard."""
    import os

    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD.format(id="good.one", title="Good one"))
    header = "wayguide: 1\nid: odd.{n}\ntitle: Odd\nsteps: [{{id: a, title: A}}]\n"
    for n, line in enumerate(["version: 2024-02-30", "version: !!timestamp 2024-01-01",
                              "version: !!binary aGk=", "version: !!int abc", "version: " + "9" * 4400,
                              "version: a\x01"]):
        (folder / f"odd{n}.yaml").write_text(header.format(n=n) + line + "\n")
    (folder / "loop.yaml").symlink_to("loop.yaml")
    (folder / "back").symlink_to(folder)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.yaml")
    return folder


@pytest.mark.parametrize("argv", [["validate"], ["list"], ["list", "--json"], ["show", "good.one"],
                                  ["doctor"]])
def test_odd_files_in_a_wizard_folder_never_stop_the_commands(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    folder = odd_library(tmp_path)
    monkeypatch.setenv("WAYGUIDE_WIZARDS", str(folder))
    monkeypatch.delenv("DISPLAY", raising=False)
    # a subprocess: a FIFO that is opened blocks forever, and then the timeout says so
    done = subprocess.run([sys.executable, "-m", "app", *argv], capture_output=True, text=True, timeout=60)
    assert "Traceback" not in done.stderr, done.stderr
    if argv[0] == "validate":
        assert done.returncode == 1
        lines = done.stdout.splitlines()
        assert all(line.isprintable() and ": error: " in line for line in lines), lines
        assert sorted(Path(line.split(":")[0]).name for line in lines) == [
            "fifo.yaml", "loop.yaml", "odd1.yaml", "odd2.yaml", "odd3.yaml", "odd4.yaml", "odd5.yaml"]
    elif argv[0] in ("list", "show"):
        assert done.returncode == 0 and ("Good one" in done.stdout)
        assert "odd.0" in done.stdout or argv[0] == "show"  # a plain date is a fine version


OPENS = """\
wayguide: 1
id: t.opens
title: Open things
modes: [black]
steps:
  - id: open
    title: Open them
    do:
      - open: https://intranet.example/expenses
      - open: mailto:help@example.org
      - open: /usr/share/applications/xterm.desktop
      - open: "steam://run/123"
      - open: 'C:\\Users\\x\\evil.lnk'
      - open: "file:///bin/sh\\nx"
      - open: ""
"""


def test_dry_run_says_which_opens_a_run_would_refuse_and_never_breaks_a_line(tmp_path: Path) -> None:
    """Issue 11.4: `open` of anything but a web or mail link is gated like `run`."""
    wizard = tmp_path / "opens.yaml"
    wizard.write_text(OPENS)
    assert run("validate", str(wizard))[0] == 0
    code, out, err = run("run", str(wizard), "--dry-run")
    assert (code, err) == (0, "")
    note = " (refused here: from this folder only web and mail links open, says the admin policy)"
    assert out.splitlines()[2:] == [
        "   - Wayguide would: open https://intranet.example/expenses.",
        "   - Wayguide would: open mailto:help@example.org.",
        "   - Wayguide would: open /usr/share/applications/xterm.desktop." + note,
        "   - Wayguide would: open steam://run/123." + note,
        "   - Wayguide would: open C:\\Users\\x\\evil.lnk." + note,
        "   - Wayguide would: open file:///bin/sh\ufffdx." + note,
        "   - Wayguide would: open ." + note,
        "Completed: 1 step, 1 done by Wayguide, 0 by you.",
    ]


SECRET_FORMS = """\
wayguide: 1
id: t.login
title: Log in
modes: [black]
inputs:
  - {name: user, label: User, required: true}
  - {name: pw, label: Password, type: secret, required: true}
steps:
  - id: login
    title: Log in as {{ inputs.user }} with {{ inputs.pw | upper }}
    do:
      - type: "{{ inputs.user }}\\t{{ inputs.pw }}\\n"
      - type: "{{ inputs.pw | upper }} `{{ inputs.pw }}` {{ inputs.pw | reverse }}"
      - notify: "Signed in with {{ inputs.pw | title }}"
"""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_secrets_come_from_standard_input_or_a_prompt_and_no_form_is_printed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11.10: --dry-run masked only the exact string; `--set` shows a secret to `ps`."""
    wizard = tmp_path / "login.yaml"
    wizard.write_text(SECRET_FORMS)
    out, err = io.StringIO(), io.StringIO()
    argv = ["run", str(wizard), "--dry-run", "--set-stdin", "user", "--set-stdin", "pw"]
    code = main(argv, out, err, io.StringIO("ann\nhunter2\nrest\n"))
    assert (code, err.getvalue()) == (0, "")
    printed = out.getvalue()
    assert not any(form in printed for form in ("hunter2", "HUNTER2", "2retnuh", "Hunter2"))
    assert "1. Log in as ann with ••••••\n" in printed
    assert "   - Wayguide would: type `ann\t••••••⏎`.\n" in printed
    assert "   - Wayguide would: type `•••••• '••••••' ••••••`.\n" in printed
    assert "   - Wayguide would: note: Signed in with ••••••\n" in printed

    asked: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "hunter2")
    sent: list[dict[str, object]] = []
    monkeypatch.setattr("app.platform.ipc.send", lambda message, **k: sent.append(message) or iter(()))
    code = main(["run", str(wizard), "--set", "user=ann", "--set-stdin", "pw"], out, err, _Terminal())
    assert code == 0 and asked == ["pw: "]
    assert sent[0]["set"] == {"user": "ann", "pw": "hunter2"}

    err = io.StringIO()
    code = main(["run", str(wizard), "--dry-run", "--set-stdin", "user", "--set-stdin", "pw"], out, err,
                io.StringIO("ann\n"))
    assert code == 2
    assert err.getvalue() == "wayguide: error: --set-stdin pw: standard input has no line for it\n"


def test_doctor_says_why_a_credentials_file_gives_nothing(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "lrs-credentials"
    secret.write_text("key:secret\n")
    secret.chmod(0o600)  # root's only: the person's tray app cannot read it
    use_policy(tmp_path, monkeypatch, "lrs:\n  endpoint: https://lrs.example.com/xAPI/\n"
                                      f"  credentials: {{file: {secret}}}\n")
    monkeypatch.delenv("DISPLAY", raising=False)
    read_text = Path.read_text

    def as_the_person(path: Path, *args: Any, **kwargs: Any) -> str:
        if path == secret:  # (these tests may run as root, who can read anything)
            raise PermissionError(13, "Permission denied", str(path))
        return read_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", as_the_person)
    _, out, _ = run("doctor")
    (line,) = [line for line in out.splitlines() if line.startswith("! LRS")]
    assert line.endswith(
        f"nothing is sent: the credentials file {secret} cannot be read by this user (permission "
        f"denied): make it readable by the group 'wayguide' (chgrp wayguide {secret}; chmod 640 "
        f"{secret}) and add the person to that group; see the README, 'Sending usage data'")
    assert "key:secret" not in out


def test_list_and_show_mark_the_examples_and_never_a_company_or_personal_wizard_of_their_id(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system = tmp_path / "system" / "wizards"
    system.mkdir(parents=True)
    (system / "jam.yaml").write_text(GOOD.format(id="it.printer-paper-jam", title="Company jam"))
    (system / "vpn.yaml").write_text(GOOD.format(id="it.vpn", title="Connect to the VPN"))
    mine = tmp_path / "pdf.yaml"
    mine.write_text(GOOD.format(id="mousepad.save-as-pdf", title="My PDF"))
    monkeypatch.setenv("WAYGUIDE_WIZARDS", str(mine))
    code, out, _ = run("list", "--json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert code == 0
    assert {i for i, row in rows.items() if row["example"]} == {
        p.stem for p in (ROOT / "wizards").glob("*.yaml")} - {"it.printer-paper-jam", "mousepad.save-as-pdf"}
    assert rows["xterm.disk-usage"]["layer"] == "bundled"
    assert not rows["it.vpn"]["example"] and not rows["it.printer-paper-jam"]["example"]
    assert not rows["mousepad.save-as-pdf"]["example"]

    code, out, _ = run("list")
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert code == 0
    assert lines["xterm.disk-usage"].endswith("  (example)")
    assert lines["it.vpn"].endswith("[glass]") and lines["it.printer-paper-jam"].endswith("[glass]")
    assert lines["mousepad.save-as-pdf"].endswith("[glass]")

    code, out, _ = run("show", "xterm.disk-usage")
    assert code == 0 and out.splitlines()[2] == EXAMPLE_NOTE
    for company in ("it.printer-paper-jam", "mousepad.save-as-pdf", "it.vpn"):
        code, out, _ = run("show", company)
        assert code == 0 and EXAMPLE_NOTE not in out and "Example" not in out


def test_with_the_examples_hidden_none_is_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_policy(tmp_path, monkeypatch, "library: {examples: false}\n")
    code, out, _ = run("list", "--json")
    assert code == 0 and json.loads(out) == []


def test_the_command_line_starts_without_the_wizard_model() -> None:
    """`wayguide` starts the tray app through app.cli.main: the model (pydantic) and Babel load later, when a
    wizard or a filter is first needed (a validate option once pulled pydantic in and cost 60 ms to tray)."""
    code = ("import sys, app.cli.main; "
            "print(sorted(m for m in ('pydantic', 'babel', 'jinja2') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
