"""What every command shares: errors as one line and an exit code, safe console lines, the store option's words."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, Optional, TypeVar

import click

from ..defaults import DEFAULT_STORE
from ..errors import InternalError, NdcScanError
from ..read.countries import resolve_country
from ..textnorm import printable, shown_name

T = TypeVar("T")

STORE_HELP = f"SQLite store of this workspace (default {DEFAULT_STORE}); re-runs reuse what it holds."
#: How click itself ends a command (exit codes, usage errors, aborts): never an error of ours.
_CLICK_ENDINGS = (click.exceptions.Exit, click.ClickException, click.Abort)


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a console line with control characters escaped: a file name can never act on the terminal."""
    click.echo(printable(text), err=err, nl=nl)


def run(ctx: click.Context, action: Callable[[], T]) -> T:
    """Run ``action``; turn errors into one line and an exit code (tracebacks only with --verbose).

    Library errors exit with their own code; anything else is a bug: "internal error in <stage> …", exit 1.
    """
    try:
        return action()
    except _CLICK_ENDINGS:
        raise
    except NdcScanError as exc:
        _fail(ctx, exc, exc)
    except KeyboardInterrupt:
        echo("\ninterrupted: every document finished so far is kept in the store; "
             "run the same command again to carry on", err=True)
        ctx.exit(130)
    except Exception as exc:
        _fail(ctx, exc, InternalError(exc))
    raise AssertionError("unreachable: ctx.exit raises")      # pragma: no cover


def _fail(ctx: click.Context, exc: Exception, error: NdcScanError) -> None:
    if (ctx.obj or {}).get("verbose"):
        raise exc
    echo(f"error: {error}", err=True)
    ctx.exit(error.exit_code)


class Group(click.Group):
    """A command group whose commands' errors all end in one line and an exit code (``run``), never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        return run(ctx, lambda: super(Group, self).invoke(ctx))


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
                                     item_show_func=lambda name: name and shown_name(name))   # one safe line

    def advance(self, name: str) -> None:
        if self.bar is not None:
            self.bar.update(1, name)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
