"""The wizard format, version 1, defined once: validation, JSON Schema and docs come from here."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeAlias

from pydantic import (
    BaseModel,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from app.format import bounds, schema
from app.format.combo import validate_combo
from app.format.diagnostics import quote
from app.format.elements import ROLE_NAMES, normal_role, role_hint
from app.format.fields import (
    EXPRESSION,
    INPUT_NAME,
    LANGUAGE_TAG,
    STEP_ID,
    TEMPLATE,
    TRANSLATED,
    WIZARD_ID,
    LocalTemplate,
    LocalText,
    LocalWords,
    StepId,
    Strict,
    Template,
    WizardId,
)
from app.format.interval import DEFAULT_EVERY, parse_every
from app.format.quiz import MAX_OPTIONS, QuizOption, QuizSpec, ReviewQuestion
from app.ports import Locator

__all__ = [
    "EXPRESSION",
    "INPUT_NAME",
    "MAX_OPTIONS",
    "STEP_ID",
    "TEMPLATE",
    "TRANSLATED",
    "WIZARD_ID",
    "Action",
    "Condition",
    "ElementLocator",
    "ElementTarget",
    "Input",
    "NudgeSpec",
    "QuizOption",
    "QuizSpec",
    "ReviewQuestion",
    "Step",
    "Target",
    "WindowMatch",
    "Wizard",
    "action_kind",
    "condition_kind",
]

FORMAT_VERSION = 1
WRITTEN_BY_LOADER = frozenset({"translations"})
"""Fields of a Wizard that a file does not write: the loader fills them in."""

def _check_pattern(value: str | None) -> str | None:
    if value is not None and value.startswith("re:"):
        problem = bounds.regex_problem(value[3:])
        if problem is not None:
            raise ValueError(problem)
    return value


class WindowMatch(Strict):
    """Which window: all given keys must match."""

    app: str | None = Field(
        None, description="Window class or executable name, case-insensitive glob.",
        examples=["mousepad", "libreoffice*"])
    title: str | None = Field(
        None, description='Window title glob; prefix "re:" for a regular expression.',
        examples=["*Mousepad", "re:^Invoice \\d+"])

    _patterns = field_validator("app", "title")(_check_pattern)

    @model_validator(mode="after")
    def _not_empty(self) -> WindowMatch:
        if self.app is None and self.title is None:
            raise ValueError("give at least one of 'app' or 'title'")
        return self


class Region(Strict):
    """A highlighted area: a window and a rectangle in it, in fractions of it or pixels."""

    window: WindowMatch | None = Field(None, description="The window; default: the active one.",
                                       examples=[{"app": "mousepad"}])
    region: tuple[float, float, float, float] = Field(
        (0.0, 0.0, 1.0, 1.0), description="x, y, width, height: each a fraction (≤ 1) of the window, "
                                          "or pixels from its top-left corner.",
        examples=[[0.05, 0.15, 0.9, 0.8], [0, 0, 400, 120]])

    @field_validator("region")
    @classmethod
    def _fractions(cls, value: tuple[float, float, float, float]) -> tuple[float, ...]:
        if any(v < 0 for v in value):
            raise ValueError("region values are fractions of the window (0 to 1) or pixels, not negative")
        x, y, w, h = value
        if all(v <= 1 for v in value) and (x + w > 1.0001 or y + h > 1.0001):
            raise ValueError("region reaches outside the window (x + width and y + height ≤ 1)")
        return value


class ElementLocator(Strict):
    """A control inside the application, as its accessibility API names it (`wayguide inspect` lists
    them with their locators)."""

    role: str | None = Field(None, description='AT-SPI role name, e.g. "push button", "menu item".',
                             examples=["push button", "menu item"])
    name: str | None = Field(None, description='Accessible name: a glob, or "re:" and a regular expression.',
                             examples=["Save As*", "re:^OK$"])
    within: ElementLocator | None = Field(None, description="An ancestor the control must be inside.",
                                          examples=[{"role": "menu", "name": "File"}])
    index: int | None = Field(None, ge=0, le=10_000, description="The nth match in reading order, from 0.",
                              examples=[0, 2])
    window: WindowMatch | None = Field(None, description="The window; default: the one the run works in.",
                                       examples=[{"title": "Save As*"}])

    _patterns = field_validator("name")(_check_pattern)

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str | None) -> str | None:
        if value is not None and normal_role(value) not in ROLE_NAMES:
            raise ValueError(f"unknown role {quote(value)}{role_hint(value)}")
        return value

    @model_validator(mode="after")
    def _something(self) -> ElementLocator:
        if self.role is None and self.name is None:
            raise ValueError("give at least one of 'role' or 'name'")
        return self

    def locator(self) -> Locator:
        """The locator the elements port takes (its window aside)."""
        within = self.within.locator() if self.within is not None else None
        return Locator(self.role, self.name, within, self.index)


class ElementTarget(Strict):
    """A control outlined while the step is shown: its real rectangle, followed as it moves."""

    element: ElementLocator = Field(description="The control (`wayguide inspect` prints locators).",
                                    examples=[{"role": "push button", "name": "Save"}])


def target_kind(value: object) -> str:
    """Which kind of target a value is: a control when it names an `element`, else a region (so that a
    mistake in a region is said as one, not as a mismatch with both kinds)."""
    if isinstance(value, dict):
        return "element" if "element" in value else "region"
    return "element" if isinstance(value, ElementTarget) else "region"


Target: TypeAlias = Annotated[
    Annotated[Region, Tag("region")] | Annotated[ElementTarget, Tag("element")],
    Discriminator(target_kind),
]
"""What a step outlines: a part of a window, or a control in it."""


# ---------------------------------------------------------------- actions


class ClickSpec(Strict):
    """Where to click: a point (`at`) or a control (`element`)."""

    at: tuple[float, float] | None = Field(
        None, description="Point: fractions (≤ 1) of the window, or pixels from its top-left corner.",
        examples=[[0.5, 0.5], [120, 40]])
    element: ElementLocator | None = Field(
        None, description="A control: pressed through its accessibility action, else clicked at its centre.",
        examples=[{"role": "push button", "name": "Save"}])
    button: Literal["left", "right", "middle"] = Field("left", description="The mouse button.",
                                                      examples=["right"])
    window: WindowMatch | None = Field(None, description="The window clicked in; default: the one in front.",
                                       examples=[{"app": "mousepad"}])

    @model_validator(mode="after")
    def _one_place(self) -> ClickSpec:
        if (self.at is None) == (self.element is None):
            raise ValueError("give either 'at' (a point) or 'element' (a control)")
        return self


ElementState: TypeAlias = Literal["focused", "checked", "selected", "expanded", "enabled", "showing"]
"""States a control can be waited for or noticed in (AT-SPI state names)."""


class WaitSpec(Strict):
    """What to wait for: a window (`app`, `title`) or a control (`element`) to appear, or to go."""

    app: str | None = Field(None, description="The window's class or executable name, a glob.",
                            examples=["mousepad"])
    title: str | None = Field(None, description='The window\'s title: a glob, or "re:" and a regex.',
                              examples=["Save As*"])
    element: ElementLocator | None = Field(None, description="A control to wait for, instead of a window.",
                                           examples=[{"role": "push button", "name": "Save"}])
    state: ElementState | None = Field(None, description="…and for it to be in this state, e.g. enabled.",
                                       examples=["enabled"])
    gone: bool = Field(False, description="Wait for the window (or control) to disappear instead.",
                       examples=[True])
    timeout: float = Field(10.0, gt=0, le=3600, description="Seconds before the step fails.", examples=[5])

    _patterns = field_validator("app", "title")(_check_pattern)

    @model_validator(mode="after")
    def _window_or_control(self) -> WaitSpec:
        if self.element is not None and (self.app is not None or self.title is not None):
            raise ValueError("wait for a window (app, title) or a control (element), not both: a control's "
                             "window goes inside it (element: {window: …})")
        if self.state is not None and (self.element is None or self.gone):
            raise ValueError("'state' is for a control that is there: give it with 'element', without 'gone'")
        return self


class FocusAction(Strict):
    focus: WindowMatch = Field(description="Bring this window to the front.", examples=[{"app": "mousepad"}])


class KeysAction(Strict):
    keys: str = Field(description='A key combo, e.g. "ctrl+s".', examples=["ctrl+s", "alt+f4", "enter"])

    @field_validator("keys")
    @classmethod
    def _combo(cls, value: str) -> str:
        return validate_combo(value)


class TypeAction(Strict):
    type: Template = Field(description="Text typed into the window, exactly.",
                           examples=["Dear {{ inputs.customer }},\n"])


class PasteAction(Strict):
    paste: Template = Field(description="Text pasted through the clipboard.",
                            examples=["{{ inputs.address }}"])


class ClickAction(Strict):
    click: ClickSpec = Field(description="Click a point of the window, or a control.", examples=[
        {"element": {"role": "menu item", "name": "Save As*"}}, {"at": [0.5, 0.1]}])


class FillSpec(Strict):
    """A text field and its new content."""

    element: ElementLocator = Field(description="A text field.", examples=[{"role": "text", "name": "Name"}])
    text: Template = Field(description="Its whole content: set through the accessibility API where the "
                                       "application allows it, else the field is focused and this typed.",
                       examples=["{{ inputs.customer }}"])


class FillAction(Strict):
    fill: FillSpec = Field(description="Replace a text field's content.", examples=[
        {"element": {"role": "text", "name": "Name"}, "text": "{{ inputs.customer }}"}])


class WaitAction(Strict):
    wait: Annotated[float, Field(gt=0, le=3600)] | WaitSpec = Field(
        description="Seconds, or a window to appear (or disappear).",
        examples=[2, {"title": "Save As*", "timeout": 5}])


class OpenAction(Strict):
    open: Template = Field(description="A URL or path, opened with the desktop's default.",
                           examples=["https://intranet.example/expenses", "~/Documents/report.pdf"])


class CopyAction(Strict):
    copy_: Template = Field(alias="copy", description="Text put on the clipboard.",
                            examples=["{{ inputs.reference }}"])


class NotifyAction(Strict):
    notify: LocalTemplate = Field(description="A message shown to the person.",
                             examples=["Saved as {{ inputs.name }}.pdf"])


class RunAction(Strict):
    run: list[Template] = Field(
        min_length=1, description="A program and its arguments; never through a shell.",
        examples=[["xdg-open", "{{ inputs.folder }}"]])


ACTION_KINDS = (
    "focus", "keys", "type", "paste", "click", "fill", "wait", "open", "copy", "notify", "run"
)


def _single_key(kinds: tuple[str, ...]) -> Any:
    def pick(value: Any) -> str | None:
        if isinstance(value, dict):
            keys = [k for k in value if k in kinds]
            if len(keys) == 1:
                return str(keys[0])
            return str(next(iter(value))) if len(value) == 1 else None
        if isinstance(value, BaseModel):
            names = {f.alias or n for n, f in type(value).model_fields.items()}
            return next((k for k in kinds if k in names), None)
        return None

    return pick


action_kind = _single_key(ACTION_KINDS)

Action = Annotated[
    Annotated[FocusAction, Tag("focus")]
    | Annotated[KeysAction, Tag("keys")]
    | Annotated[TypeAction, Tag("type")]
    | Annotated[PasteAction, Tag("paste")]
    | Annotated[ClickAction, Tag("click")]
    | Annotated[FillAction, Tag("fill")]
    | Annotated[WaitAction, Tag("wait")]
    | Annotated[OpenAction, Tag("open")]
    | Annotated[CopyAction, Tag("copy")]
    | Annotated[NotifyAction, Tag("notify")]
    | Annotated[RunAction, Tag("run")],
    Discriminator(
        action_kind,
        custom_error_type="action_kind",
        custom_error_message="an action is a mapping with exactly one of: " + ", ".join(ACTION_KINDS),
    ),
]

# ------------------------------------------------------------- conditions


class ActiveCond(Strict):
    active: WindowMatch = Field(description="This window is in front.", examples=[{"title": "Save As*"}])


class KeysCond(Strict):
    keys: str = Field(description="The person pressed this combo.", examples=["ctrl+s"])

    @field_validator("keys")
    @classmethod
    def _combo(cls, value: str) -> str:
        return validate_combo(value)


class ClipboardCond(Strict):
    clipboard: str = Field(description='Clipboard text matches this glob, or "re:" regex.',
                           examples=["*@*", "re:^INV-\\d+$"])

    _pattern = field_validator("clipboard")(_check_pattern)


class FileSpec(Strict):
    """A file, and text it holds."""

    path: Template = Field(description="A file that must exist (~ and templates allowed).",
                           examples=["~/Documents/{{ inputs.name }}.pdf"])
    contains: str | None = Field(None, description="Text the file must contain.", examples=["Total"])


class FileCond(Strict):
    file: FileSpec = Field(description="A file exists (and holds some text).",
                           examples=[{"path": "~/Documents/letter.pdf"}])


class AfterCond(Strict):
    after: float = Field(gt=0, le=86400, description="Seconds since the step was shown.", examples=[30])




class ElementCond(Strict):
    element: ElementLocator = Field(description="A control is there (in the window the run works in, or a "
                                                "dialog of its application in front).",
                                    examples=[{"role": "dialog", "name": "Save As"}])
    state: ElementState | None = Field(
        None, description="…and in this state.", examples=["checked"])
    text: str | None = Field(None, description='…and its text matches this glob, or "re:" regex (matched in '
                                               'memory, never kept).', examples=["*.pdf"])
    gone: bool = Field(False, description="The control is not there (a dialog closed).", examples=[True])

    _pattern = field_validator("text")(_check_pattern)

    @model_validator(mode="after")
    def _gone_alone(self) -> ElementCond:
        if self.gone and (self.state is not None or self.text is not None):
            raise ValueError("a control that is gone has no state or text: give 'gone' alone")
        return self


class AnyCond(Strict):
    any: list[Condition] = Field(min_length=1, description="Any of these conditions holds.",
                                 examples=[[{"keys": "ctrl+s"}, {"active": {"title": "Save As*"}}]])


class AllCond(Strict):
    all: list[Condition] = Field(min_length=1, description="All of these conditions hold.",
                                 examples=[[{"active": {"app": "mousepad"}}, {"clipboard": "*@*"}]])


CONDITION_KINDS = ("active", "keys", "clipboard", "file", "element", "after", "any", "all")
condition_kind = _single_key(CONDITION_KINDS)

Condition = Annotated[
    Annotated[ActiveCond, Tag("active")]
    | Annotated[KeysCond, Tag("keys")]
    | Annotated[ClipboardCond, Tag("clipboard")]
    | Annotated[FileCond, Tag("file")]
    | Annotated[ElementCond, Tag("element")]
    | Annotated[AfterCond, Tag("after")]
    | Annotated[AnyCond, Tag("any")]
    | Annotated[AllCond, Tag("all")],
    Discriminator(
        condition_kind,
        custom_error_type="condition_kind",
        custom_error_message="a condition is a mapping with exactly one of: "
        + ", ".join(CONDITION_KINDS),
    ),
]



# ------------------------------------------------------------------ inputs


class Input(Strict):
    """A value asked before a black-box run; available as {{ inputs.NAME }}."""

    name: Annotated[str, StringConstraints(pattern=INPUT_NAME)] = Field(
        description="Its name in templates ({{ inputs.NAME }}): lowercase letters, digits and _.",
        examples=["customer"])
    label: LocalText = Field(description="What the field is called in the form.", examples=["Customer name"])
    type: Literal["text", "multiline", "number", "choice", "secret"] = Field(
        "text", description="The kind of field; a secret is hidden as it is typed and never kept.",
        examples=["choice"])
    required: bool = Field(False, description="The run cannot start without a value.", examples=[True])
    default: str | int | float | None = Field(None, description="The value the field starts with.",
                                              examples=["normal", 1])
    choices: list[str] | None = Field(None, description="The options of a choice input.",
                                      examples=[["normal", "urgent"]])
    help: LocalText | None = Field(None, description="One line shown under the field.",
                             examples=["As on the customer's letterhead."])

    @model_validator(mode="after")
    def _choices(self) -> Input:
        if self.type == "choice":
            if not self.choices:
                raise ValueError("a choice input needs 'choices'")
            if self.default is not None and str(self.default) not in self.choices:
                raise ValueError(f"default {quote(self.default)} is not one of the choices")
        elif self.choices is not None:
            raise ValueError("'choices' belongs to inputs of type choice")
        if self.type == "secret" and self.default is not None:
            raise ValueError("a secret input cannot have a default")
        return self


# ------------------------------------------------------------------- steps


class NudgeSpec(Strict):
    """A nudge in context: when the wizard's window (`when`) comes in front and the task was not done
    within the interval (or never), a quiet badge on the tray icon and the wizard first in the task list."""

    every: str = Field(DEFAULT_EVERY, description="At most one nudge per interval, and the task done within "
                       "it needs none: a number and m, h, d or w (at least an hour).", examples=["14d"])

    @field_validator("every")
    @classmethod
    def _interval(cls, value: str) -> str:
        parse_every(value)
        return value


class ChoiceOption(Strict):
    """One option of a choice: its text and the step it leads to."""

    label: LocalTemplate = Field(description="The option's text.", examples=["Yes"])
    goto: StepId = Field(description="The step this option leads to.", examples=["vat"])


class Step(Strict):
    """One step: what to do, why, where; how it is done automatically and how it is noticed."""

    id: StepId = Field(description="Unique in the wizard: lowercase letters, digits, '.', '_' and '-'.",
                       examples=["save"])
    title: LocalTemplate = Field(description="What to do, in a few words.", examples=["Save the letter"])
    explain: LocalTemplate | None = Field(None, description="Markdown: what to do, and where.",
                                     examples=["Click **File ▸ Save As…**."])
    why: LocalTemplate | None = Field(None, description="Markdown: why this step matters.",
                                 examples=["Wayguide and you both type into the window in front."])
    target: Target | None = Field(None, description="Outlined while the step is shown: a region of a window, "
                                                      "or a control ({element: LOCATOR}).",
                                  examples=[{"window": {"app": "mousepad"}, "region": [0.05, 0.15, 0.9, 0.8]},
                                            {"element": {"role": "push button", "name": "Save"}}])
    do: list[Action] | None = Field(None, description="Performed in black box and by Show me.",
                                    examples=[[{"keys": "ctrl+s"}, {"wait": {"title": "Save As*"}}]])
    until: Condition | None = Field(None, description="Glass box: the step is done when it holds.",
                                    examples=[{"active": {"title": "Save As*"}}])
    when: Annotated[str, EXPRESSION] | None = Field(
        None, description="Jinja expression; the step is skipped when it is false.",
        examples=["inputs.kind == 'travel'"])
    choice: list[ChoiceOption] | None = Field(
        None, min_length=2, description="A question: options, each going to a step.",
        examples=[[{"label": "Yes", "goto": "vat"}, {"label": "No", "goto": "save"}]])
    checklist: list[LocalTemplate] | None = Field(
        None, min_length=1, description="Items the person ticks, all of them, before Next.",
        examples=[["VAT number present", "VAT number validated in the portal"]])
    quiz: QuizSpec | None = Field(
        None, description="A knowledge check: the step is done when the person has answered it (right or "
                          "wrong) and pressed Next. Glass box only: a black-box run skips it.",
        examples=[{"question": "Which cost centre goes on a customer visit?",
                   "options": [{"text": "Your own team's"}, {"text": "Sales (SLS-100)", "correct": True}]}])
    next: StepId | None = Field(
        None, description="The step that follows this one (default: the next in the file); `end` finishes "
                          "the run. Ends a branch of a choice, or joins branches again.",
        examples=["send", "end"])

    @model_validator(mode="after")
    def _shape(self) -> Step:
        if self.choice is not None:
            for key in ("do", "until", "checklist", "next"):
                if getattr(self, key) is not None:
                    raise ValueError(f"a choice step cannot also have '{key}'")
        if self.quiz is not None:
            for key in ("do", "until", "choice", "checklist"):
                if getattr(self, key) is not None:
                    raise ValueError(f"a quiz step cannot also have '{key}' (answering it is the step)")
        if self.do is not None and not self.do:
            raise ValueError("'do' needs at least one action")
        return self

    @property
    def needs_person(self) -> bool:
        """A black-box run pauses here: nothing to perform, or a decision to take."""
        return not self.do or self.choice is not None or self.checklist is not None or self.quiz is not None


class Wizard(Strict):
    """A task wizard, one per file."""

    wayguide: Literal[1] = Field(description="Format version of this file.", examples=[1])
    id: WizardId = Field(description="Unique in the library: lowercase letters, digits, '.' and '-'.",
                         examples=["mousepad.customer-letter"])
    language: Annotated[str, StringConstraints(pattern=LANGUAGE_TAG)] = Field(
        "en", description="The language its texts are written in. Any text can also be given in several "
                          "languages: `title: {en: Save the letter, nl: De brief opslaan}`.", examples=["nl"])
    title: LocalText = Field(min_length=1, max_length=120, description="Its name in the panel and in lists.",
                             examples=["Start a customer letter"])
    summary: LocalText | None = Field(None, description="One line: what it does.",
                                examples=["Writes the standard letter opening into Mousepad."])
    version: str | None = Field(None, description="The author's version of this wizard.", examples=["1.2"])
    tags: LocalWords = Field(default_factory=list, description="Words search finds it by.",
                            examples=[["letters"]])
    roles: list[str] | None = Field(None, description="Who it is for; absent means everyone.",
                                    examples=[["support"]])
    when: list[WindowMatch] | None = Field(
        None, description="Relevant when ANY entry matches; inside one entry ALL keys match.",
        examples=[[{"app": "mousepad", "title": "*Mousepad"}]])
    modes: list[Literal["glass", "black"]] | None = Field(
        None, min_length=1, examples=[["glass", "black"]], description="Allowed modes (glass: the person "
        "does the steps; black: Wayguide does them); the first is the default.")
    inputs: list[Input] = Field(default_factory=list, description="Values asked before a black-box run.",
                                examples=[[{"name": "customer", "label": "Customer name", "required": True}]])
    steps: list[Step] = Field(min_length=1, description="The steps, in order (see `next` and `choice`).",
                              examples=[[{"id": "save", "title": "Save", "do": [{"keys": "ctrl+s"}]}]])
    review: list[ReviewQuestion] = Field(
        default_factory=list, max_length=50,
        description="Questions asked again later (spaced review) after a glass-box run, each with its own "
                    "`id`.",
        examples=[[{"id": "cost-centre", "question": "Which cost centre goes on a customer visit?",
                    "options": [{"text": "Your own team's"}, {"text": "Sales (SLS-100)", "correct": True}]}]])
    nudge: NudgeSpec | None = Field(None, description="Suggest the task when its window (`when`) comes in "
                                    "front and it was not done lately: `{}` for once a week.",
                                    examples=[{"every": "14d"}])
    translations: SkipJsonSchema[dict[str, dict[str, str | list[str]]]] = Field(
        default_factory=dict,
        description="Not written: the loader moves here the texts of other languages, by language and path "
                    "(\"steps.2.title\"); app/format/languages.py.")

    @property
    def allowed_modes(self) -> tuple[str, ...]:
        if self.modes:
            return tuple(dict.fromkeys(self.modes))
        return ("glass", "black") if any(s.do for s in self.steps) else ("glass",)

    @property
    def default_mode(self) -> str:
        return self.allowed_modes[0]

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def index(self, step_id: str) -> int:
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        raise KeyError(step_id)

    def question(self, question_id: str) -> ReviewQuestion | None:
        """The review question with this id."""
        return next((q for q in self.review if q.id == question_id), None)

    def input(self, name: str) -> Input | None:
        return next((i for i in self.inputs if i.name == name), None)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the wizard format, for editors and `wayguide schema`: draft-07, as
    yaml-language-server reads it, with `$id` `schema.SCHEMA_ID` and snippets for new parts."""
    return schema.draft07(Wizard.model_json_schema(by_alias=True), FORMAT_VERSION, "Wayguide wizard")
