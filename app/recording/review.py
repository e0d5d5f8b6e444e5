"""What the review form asks after a recording stops: for each piece of typed text, the input it
becomes (app.recording.draft suggests, the author edits, the draft is written again)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TypedInput"]


@dataclass
class TypedInput:
    """One typed text of the recording and what the draft makes of it."""

    name: str
    """The input's name ({{ inputs.NAME }}), suggested from the field's label; lowercase, digits, _."""
    label: str
    """What the input form calls it, suggested from the field's label."""
    sample: str = ""
    """What the author typed: shown in the review form only; written into the draft only when
    `literal`. Always "" for a password field."""
    literal: bool = False
    """"Always this text": the draft types `sample` itself, and asks for no input."""
    secret: bool = False
    """Typed into a password field: an input of type secret; nothing typed was captured."""
