"""Snippets an editor offers while a wizard is written (`defaultSnippets`, read by yaml-language-server):
a new wizard, a step, a choice, a quiz, and each action. `${1:text}` is a place the cursor visits, `text` what
stays when the person moves on (no `{{ }}` inside one: a `}` would end it). tests/unit/test_schema.py
checks that each body, so filled, is valid."""

from __future__ import annotations

from typing import Any

__all__ = ["SNIPPETS"]


def _snippet(label: str, description: str, body: Any) -> dict[str, Any]:
    return {"label": label, "description": description, "body": body}


_WIZARD = _snippet("New wizard", "A wizard: its id, title, the windows it is for, and a first step.", {
    "wayguide": 1,
    "id": "${1:team.task-name}",
    "title": "${2:Do the task}",
    "summary": "${3:One line: what it does, for whom.}",
    "when": [{"app": "${4:mousepad}"}],
    "steps": [{"id": "${5:first}", "title": "${6:The first thing to do}",
               "explain": "${7:What to do, and where.}"}],
})

_STEP = _snippet("Step", "A step: what to do, why, how it is done and how it is noticed.", {
    "id": "${1:step-id}",
    "title": "${2:What to do}",
    "explain": "${3:Where, and how.}",
    "why": "${4:Why it matters.}",
    "do": [{"keys": "${5:ctrl+s}"}],
    "until": {"active": {"title": "${6:Save As*}"}},
})

_CHOICE = _snippet("Choice step", "A question whose options go to different steps.", {
    "id": "${1:kind}",
    "title": "${2:Is this a business customer?}",
    "choice": [{"label": "Yes", "goto": "${3:vat}"}, {"label": "No", "goto": "${4:save}"}],
})

_QUIZ = _snippet("Quiz step", "A knowledge check: a question, options (one or more right), feedback.", {
    "id": "${1:check}",
    "title": "${2:Check yourself}",
    "quiz": {
        "question": "${3:Which cost centre goes on a customer visit?}",
        "options": [{"text": "${4:The right answer}", "correct": True, "feedback": "${5:Why it is right.}"},
                    {"text": "${6:A tempting wrong answer}", "feedback": "${7:Why it is not.}"}],
        "explanation": "${8:What the question teaches.}",
    },
})

SNIPPETS: dict[str, list[dict[str, Any]]] = {
    "": [_WIZARD],
    "Step": [_STEP, _CHOICE, _QUIZ],
    "FocusAction": [_snippet("focus", "Bring a window to the front.",
                             {"focus": {"app": "${1:mousepad}"}})],
    "KeysAction": [_snippet("keys", "Press a key combo.", {"keys": "${1:ctrl+s}"})],
    "TypeAction": [_snippet("type", "Type text into the window.", {"type": "${1:Dear customer,}"})],
    "PasteAction": [_snippet("paste", "Paste text through the clipboard.",
                             {"paste": "${1:Text to paste}"})],
    "ClickAction": [
        _snippet("click a control", "Click a control named by a locator (wayguide inspect).",
                 {"click": {"element": {"role": "${1:push button}", "name": "${2:Save}"}}}),
        _snippet("click a point", "Click a point: fractions of the window, or pixels.",
                 {"click": {"at": [0.5, 0.5]}}),
    ],
    "FillAction": [_snippet("fill", "Set a text field's whole content.",
                            {"fill": {"element": {"role": "${1:text}", "name": "${2:Name}"},
                                      "text": "${3:Its new content}"}})],
    "WaitAction": [
        _snippet("wait for a window", "Wait for a window to appear.",
                 {"wait": {"title": "${1:Save As*}", "timeout": 10}}),
        _snippet("wait seconds", "Wait a number of seconds.", {"wait": 1}),
    ],
    "OpenAction": [_snippet("open", "Open a URL or file with the desktop's default.",
                            {"open": "${1:https://intranet.example/expenses}"})],
    "CopyAction": [_snippet("copy", "Put text on the clipboard.", {"copy": "${1:Text to copy}"})],
    "NotifyAction": [_snippet("notify", "Show the person a message.", {"notify": "${1:Done.}"})],
    "RunAction": [_snippet("run", "Run a program with arguments (never through a shell).",
                           {"run": ["${1:xdg-open}", "${2:~/Documents}"]})],
}
