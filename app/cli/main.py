"""The `wayguide` command line: a stable contract for scripts and tests (see README)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.parser import parser

if TYPE_CHECKING:
    import argparse

    from app.format.diagnostics import Diagnostic
    from app.library.layers import Library
    from app.paths import Paths

__all__ = ["main"]

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None, stdin: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    if not (sys.argv[1:] if argv is None else argv):  # the tray app: nothing else on the way to it
        from app.runtime.main import main as desktop_main

        return desktop_main()
    args = parser().parse_args(argv)
    if args.command == "toggle":  # the hot path: nothing heavy imported
        return _toggle(err)
    if args.command == "run":
        return _run(args, out, err, stdin or sys.stdin)
    if args.command == "record":
        from app.cli.record import record

        return record(args.out, out, err)
    if args.command == "preview":
        from app.cli.preview import preview

        return preview(args.file, args.step, out, err)
    if args.command in ("keygen", "sign"):
        from app.cli.sign import keygen, sign_folder

        return keygen(args.out, out, err) if args.command == "keygen" else sign_folder(
            args.folder, args.key, out, err)
    if args.command == "completion":
        from app.cli.completion import script

        out.write(script(args.shell))
        return EXIT_OK
    from app.paths import Paths

    paths = Paths.from_env()
    if args.command == "validate":
        from app.cli.validate import validate

        return validate(args.paths, args.quiet, args.format, paths, out, err, args.lang)
    if args.command == "schema":
        return _schema(args.markdown, out)
    if args.command == "list":
        return _list(paths, args.json, args.active, out, err)
    if args.command == "show":
        return _show(paths, args.id, out, err)
    if args.command == "report":
        return _report(paths, args.format, args.out, out, err)
    if args.command == "inspect":
        return _inspect(args, out, err)
    if args.command == "doctor":
        return _doctor(paths, out)
    parser().print_help(out)
    return EXIT_OK


def _doctor(paths: Paths, out: TextIO) -> int:
    from app.cli import doctor
    from app.cli.language import person_translations
    from app.library.layers import Library
    from app.library.signing import verifier_for
    from app.policy.loading import policy_in_force
    from app.usage.config import usage_in_force

    tr = person_translations(paths)
    policy, problems = policy_in_force(paths)
    sending = usage_in_force(policy)
    lrs = doctor.Check("LRS", "warn" if sending.trouble else "ok", sending.lrs.said(tr))
    library = Library.for_policy(paths, policy.library, verifier_for(policy.trust.keys))
    checks = [doctor.accessibility_check(tr), lrs, doctor.library_check(library, tr),
              *doctor.source_checks(paths.source_copies, policy.library, tr=tr),
              *doctor.usage_checks(paths.data_dir, tr=tr), doctor.log_check(paths.data_dir, tr)]
    text, code = doctor.report(doctor.probe_facts(tr=tr), checks, policy, problems, tr)
    out.write(text)
    return code


def _inspect(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from app import platform
    from app.cli.inspect import inspect
    from app.i18n import N_
    from app.ports import ProbeUnavailable

    try:
        probe, elements = platform.window_probe(), platform.elements()
    except ProbeUnavailable as exc:
        err.write(f"wayguide: error: {exc}\n")
        return EXIT_FAIL
    if args.check is not None:
        from app.cli.inspect import check

        return check(args.check, probe, elements, out, err, title=args.title, delay=max(0.0, args.delay))
    if args.pointer:
        import time

        from app.cli.inspect import under_pointer

        if args.delay > 0:
            time.sleep(args.delay)
        pointer = getattr(probe, "pointer", None)
        try:
            if pointer is None:
                raise ProbeUnavailable(N_("this desktop does not tell where the pointer is"))
            where = pointer()
        except ProbeUnavailable as exc:
            err.write(f"wayguide: error: {exc}\n")
            return EXIT_FAIL
        return under_pointer(probe, elements, where, out, err, as_json=args.json)
    return inspect(probe, elements, out, err, title=args.title, delay=max(0.0, args.delay), as_json=args.json)


def _toggle(err: TextIO) -> int:
    from app.platform import ipc

    try:
        list(ipc.send({"op": "toggle"}, start_if_absent=True, timeout=20.0))
    except ipc.IpcError as exc:
        err.write(f"wayguide: error: {exc}\n")
        return EXIT_FAIL
    return EXIT_OK


def _run(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from app.platform import ipc

    values: dict[str, str] = {}
    for item in args.values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            err.write(f"wayguide: error: --set {item!r}: write NAME=VALUE\n")
            return EXIT_USAGE
        values[name.strip()] = value
    for name in args.from_stdin:
        value = _read_input(name.strip(), stdin, err)
        if value is None:
            return EXIT_USAGE
        values[name.strip()] = value
    if args.dry_run:
        from app.cli.dryrun import dry_run

        choose: dict[str, str] = {}
        for item in args.choose:
            step, sep, option = item.partition("=")
            if not sep or not step.strip() or not option.strip():
                err.write(f"wayguide: error: --choose {item!r}: write STEP=OPTION\n")
                return EXIT_USAGE
            choose[step.strip()] = option.strip()
        from app.cli.language import person_languages, person_translations
        from app.paths import Paths

        person = Paths.from_env()
        return dry_run(args.wizard, args.mode, values, out, err, choose, person_translations(person),
                       person_languages(person))
    target = args.wizard
    if target.endswith((".yaml", ".yml")) or os.sep in target:
        target = str(Path(target).resolve())
    request = ipc.RunRequest(target, args.mode, values, wait=args.wait, step=args.step)
    try:
        for message in ipc.send(request.message(), start_if_absent=True, timeout=20.0):
            if message.get("event") in ("paused", "failed"):  # the run waits for the person
                out.write(f"{message['event']}: {message.get('message', '')}\n")
                out.flush()
            if message.get("event") == "finished":
                out.write(f"{message.get('outcome')}: {message.get('message', '')}\n")
                return EXIT_OK if message.get("outcome") == "completed" else EXIT_FAIL
    except ipc.IpcError as exc:
        err.write(f"wayguide: error: {exc}\n")
        return EXIT_FAIL
    if args.wait:
        err.write("wayguide: error: the run ended without an outcome\n")
        return EXIT_FAIL
    return EXIT_OK


def _read_input(name: str, stdin: TextIO, err: TextIO) -> str | None:
    """One input value for `--set-stdin NAME`: asked for without echo at a terminal, else the next line of
    standard input (without its line break). None, said on `err`, when there is none."""
    if not name:
        err.write("wayguide: error: --set-stdin needs an input NAME\n")
        return None
    if stdin.isatty():
        import getpass

        try:
            return getpass.getpass(f"{name}: ")
        except (EOFError, KeyboardInterrupt):
            err.write(f"\nwayguide: error: --set-stdin {name}: no value given\n")
            return None
    line = stdin.readline()
    if not line:
        err.write(f"wayguide: error: --set-stdin {name}: standard input has no line for it\n")
        return None
    return line.removesuffix("\n").removesuffix("\r")


def _report(paths: Paths, fmt: str, target: Path | None, out: TextIO, err: TextIO) -> int:
    from app.cli.language import person_translations
    from app.i18n import language
    from app.usage.formats import render
    from app.usage.report import build
    from app.usage.store import DB_NAME, StoreError

    translations = person_translations(paths)
    try:  # titles in the language the report speaks, where the wizard has them in it
        text = render(build(paths.data_dir / DB_NAME, language=language(translations)), fmt, translations)
    except (StoreError, OSError) as exc:
        err.write(f"{exc}\n" if isinstance(exc, StoreError) else f"wayguide: error: {exc}\n")
        return EXIT_FAIL
    if target is None:
        out.write(text)
        return EXIT_OK
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        err.write(f"{target}: error: cannot write the report ({exc.strerror})\n")
        return EXIT_FAIL
    err.write(f"wrote {target}\n")
    return EXIT_OK


def _library(paths: Paths, err: TextIO | None = None) -> Library:
    """The library with the same layers as the tray app, policy folders included; the policy's
    problems go to `err` when given."""
    from app.library.layers import Library
    from app.library.signing import verifier_for
    from app.policy.loading import policy_in_force

    policy, problems = policy_in_force(paths)
    if err is not None:
        _print_diagnostics(problems, err)
    return Library.for_policy(paths, policy.library, verifier_for(policy.trust.keys))


def _print_diagnostics(items: Sequence[Diagnostic], stream: TextIO,
                       errors_only: bool = False) -> None:
    for item in items:
        if item.is_error or not errors_only:
            stream.write(f"{item}\n")


def _schema(markdown: bool, out: TextIO) -> int:
    """The JSON Schema of the wizard format, or with `markdown` its reference (docs/format.md)."""
    if markdown:
        from app.format.reference import markdown as reference

        out.write(reference())
        return EXIT_OK
    import json

    from app.format.model import json_schema

    out.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _list(paths: Paths, as_json: bool, active: bool, out: TextIO, err: TextIO) -> int:
    library = _library(paths, err)
    _print_diagnostics(library.diagnostics(), err, errors_only=True)
    entries = list(library)
    reasons: dict[str, str] = {}
    if active:
        from app.library.relevance import relevant
        from app.platform import window_probe
        from app.ports import ProbeUnavailable

        try:
            window = window_probe().active_window()
        except ProbeUnavailable as exc:
            err.write(f"wayguide: error: cannot tell which window is in front: {exc}\n")
            return EXIT_FAIL
        if window is None:
            entries = []
        else:
            matches = relevant((e.wizard for e in entries), window)
            reasons = {m.wizard.id: m.reason for m in matches}
            by_id = {e.id: e for e in entries}
            entries = [by_id[m.wizard.id] for m in matches]
    if as_json:
        rows = [{
            "id": e.id, "title": e.wizard.title, "summary": e.wizard.summary,
            "modes": list(e.wizard.allowed_modes), "tags": e.wizard.tags,
            "roles": e.wizard.roles, "source": str(e.path), "layer": e.layer, "example": e.example,
            "revision": e.revision, **({"reason": reasons[e.id]} if e.id in reasons else {}),
        } for e in entries]
        import json

        out.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    if not entries:
        err.write("no wizards\n" if not active else "no wizards for the window in front\n")
        return EXIT_OK
    width = max(len(e.id) for e in entries)
    from app.cli.language import person_languages

    speaking = person_languages(paths)
    for e in entries:
        modes = "+".join(e.wizard.allowed_modes)
        title = e.card.speaking(speaking).title
        out.write(f"{e.id:<{width}}  {title}  [{modes}]{'  (example)' if e.example else ''}\n")
    return EXIT_OK


def _show(paths: Paths, wizard_id: str, out: TextIO, err: TextIO) -> int:
    from app.cli.jobaid import job_aid
    from app.cli.language import person_translations

    library = _library(paths, err)
    entry = library.get(wizard_id)
    if entry is None:
        err.write(f"wayguide: error: {library.unknown(wizard_id).said(person_translations(paths))}\n")
        return EXIT_FAIL
    from app.cli.language import person_languages
    from app.format.languages import localize

    out.write(job_aid(localize(entry.wizard, person_languages(paths)).wizard, example=entry.example,
                      tr=person_translations(paths)))
    return EXIT_OK



if __name__ == "__main__":
    raise SystemExit(main())
