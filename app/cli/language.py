"""The person's language on the command line: chosen as the tray app chooses it (app/runtime/preferences.py
apply_language): their setting, else the admin policy's default, else the system's (LANGUAGE, LC_ALL,
LC_MESSAGES, LANG). What a person reads is said in it; machine-readable output (--json) stays English."""

from __future__ import annotations

import gettext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.paths import Paths

__all__ = ["person_languages", "person_translations"]


def person_languages(paths: Paths) -> list[str]:
    """The person's languages, best first ("nl_BE", "nl"); English when none is said. A settings or policy
    file that cannot be read counts as its defaults here (`doctor` and the tray app say what is wrong)."""
    from app.i18n import languages
    from app.policy.loading import policy_in_force
    from app.policy.settings import load_settings

    policy, _problems = policy_in_force(paths)
    settings, _wrong = load_settings(paths.config_dir)
    return languages(policy.apply(settings).language) or ["en"]


def person_translations(paths: Paths) -> gettext.NullTranslations:
    """The catalogue of the person's language; English where none fits."""
    from app.i18n import load

    return load(languages=person_languages(paths))
