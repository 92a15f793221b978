"""Starting the workbench: the store opened and its tables built, the port checked, the URL printed, uvicorn run."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Optional

from ..errors import UsageError
from ..taxonomy import Taxonomy
from .app import create_app
from .security import is_loopback, new_token
from .workbench import Workbench

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def serve(store: str | Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: Optional[str] = None,
          pdf_folders: Sequence[str | Path] = (), catalogs: Sequence[str | Path] = (),
          taxonomy: str | Path | Taxonomy | None = None, echo: Callable[[str], None] = print) -> None:
    """Serve the workbench on ``store`` until interrupted (Ctrl-C).

    Bound to a loopback address it needs no token unless ``token`` is given; bound to any other address
    (0.0.0.0 included) every request needs ``token``, which is generated when not given. ``echo`` gets the
    lines to show: what was read and the URL to open (with the token).
    """
    import uvicorn

    if token is not None and len(token) < 16:
        raise UsageError("--token is too short to protect the workbench", remedy="give at least 16 characters, "
                         "or leave --token out to have one generated")
    workbench = Workbench(store, taxonomy=taxonomy, catalogs=catalogs, pdf_folders=pdf_folders)
    if token is None and not is_loopback(host):
        token = new_token()
    app = create_app(workbench, host=host, token=token)
    check_port(host, port)
    snapshot = workbench.refresh()
    documents = snapshot.tables.documents
    echo(f"Read {len(documents)} documents of {documents['iso3'].replace('', None).nunique()} countries from {store} "
         f"in {snapshot.seconds:.1f} s.")
    for url in urls(host, port, token):
        echo(f"Open {url}")
    if not is_loopback(host):
        echo("The workbench is open to the network: every request needs the token above. Stop it with Ctrl-C.")
    else:
        echo("Only this machine can open it. Stop it with Ctrl-C.")
    threading.Thread(target=_warm_up, name="ndc-scan-warm-up", daemon=True).start()
    uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                  lifespan="off", server_header=False)).run()


def _warm_up() -> None:
    """Load what the first Reviewers and evidence pages need (scikit-learn for kappa: ~2 s; PDFium) while nobody
    waits for it."""
    import pypdfium2  # noqa: F401
    import sklearn.metrics  # noqa: F401


def urls(host: str, port: int, token: Optional[str]) -> list[str]:
    """The addresses to open: the bound one (this machine's name for 0.0.0.0 / ::), with the token."""
    suffix = f"/?token={token}" if token else "/"
    if host in ("0.0.0.0", "::", ""):
        return [f"http://127.0.0.1:{port}{suffix}", f"http://{socket.gethostname()}:{port}{suffix}"]
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return [f"http://{shown}:{port}{suffix}"]


def check_port(host: str, port: int) -> None:
    """Refuse, with the remedy, a port another program holds (before the tables are built)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror})",
                             remedy=f"pass --port with another number (e.g. --port {port + 1}), or stop the program "
                                    "that holds it") from exc


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "check_port", "serve", "urls"]
