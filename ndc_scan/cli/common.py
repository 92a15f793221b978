"""What every command shares: library errors as one line and an exit code, the store option's words."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Optional, TypeVar

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


class Bar:
    """A progress bar on standard error: ``start(total)``, ``advance(name)``, ``finish()``
    (``pipeline.Progress`` for scans, ``fetch.fetcher.Progress`` for fetches)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Optional[click._termui_impl.ProgressBar] = None

    def start(self, total: int) -> None:
        self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr, show_pos=True,
                                     item_show_func=lambda name: name)

    def advance(self, name: str) -> None:
        if self.bar is not None:
            self.bar.update(1, name)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
