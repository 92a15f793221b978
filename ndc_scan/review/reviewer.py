"""Who reviews: the reviewer's name, from --reviewer or a config file (decisions are stored with it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import tomllib

from ..errors import UsageError, quoted
from ..records import REVIEWER_RULE, usable_reviewer

CONFIG_NAME = "config.toml"


def config_files() -> list[Path]:
    """Where the reviewer's name may be set: the workspace, then the user's config folder."""
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return [Path(".ndc_scan") / CONFIG_NAME, home / "ndc-scan" / CONFIG_NAME]


def reviewer_name(explicit: Optional[str] = None) -> str:
    """The reviewer: ``explicit`` (--reviewer), else ``reviewer = "..."`` in the first config file that sets it."""
    if explicit is not None:
        name = explicit.strip()
        if not usable_reviewer(name):
            raise UsageError(f"--reviewer {quoted(explicit)}: not a usable name", remedy=f"give {REVIEWER_RULE}")
        return name

    for path in config_files():
        if not path.is_file():
            continue
        try:
            configured = tomllib.loads(path.read_text(encoding="utf-8")).get("reviewer")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"{path}: cannot be read as TOML ({exc})",
                             remedy='write one line: reviewer = "Your Name"') from exc
        if configured is not None:
            if not isinstance(configured, str) or not configured.strip():
                raise UsageError(f"{path}: reviewer must be a non-empty string", remedy='write: reviewer = "Your Name"')
            return reviewer_name(configured)
    places = " or ".join(str(p) for p in config_files())
    raise UsageError("no reviewer name: decisions are stored with who made them",
                     remedy=f'pass --reviewer NAME, or put reviewer = "NAME" in {places}')


def rename_reviewer(db, old: str, new: str) -> int:
    """Give every decision of reviewer ``old`` the name ``new`` (``ndc-scan review rename``); return how many. A usage
    error names what is wrong: the same name, an unusable one, or a reviewer with no decisions in the store."""
    if old == new:
        raise UsageError(f"{old!r} is the name already", remedy="give the new name second")
    if not usable_reviewer(new):
        raise UsageError(f"{new!r} is not a usable reviewer name ({REVIEWER_RULE})",
                         remedy="give the name as it should be stored")
    known = db.reviewers()
    if old not in known:
        raise UsageError(f"{db.path}: no decisions by {old!r}",
                         remedy=f"name one of the stored reviewers: {', '.join(map(repr, known)) or 'none yet'}")
    return db.rename_reviewer(old, new)
