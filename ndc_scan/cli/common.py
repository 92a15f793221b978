"""What every command shares: library errors as one line and an exit code, the store option's words."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

from ..defaults import DEFAULT_STORE
from ..errors import NdcScanError
from ..read.countries import resolve_country

T = TypeVar("T")

STORE_HELP = f"SQLite store of this workspace (default {DEFAULT_STORE}); re-runs reuse what it holds."


def run(ctx: click.Context, action: Callable[[], T]) -> T:
    """Run ``action``; turn library errors into one line and an exit code (tracebacks only with --verbose)."""
    try:
        return action()
    except NdcScanError as exc:
        if ctx.obj.get("verbose"):
            raise
        click.echo(f"error: {exc}", err=True)
        ctx.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: every document finished so far is kept in the store; "
                   "run the same command again to carry on", err=True)
        ctx.exit(130)
    raise AssertionError("unreachable: ctx.exit raises")      # pragma: no cover


def country(ctx: click.Context, text: str, given_as: str = "--country") -> str:
    """The ISO3 code of a country given as a code or a name; an unknown one is one error line (exit 2)."""
    return run(ctx, lambda: resolve_country(text, given_as=given_as))
