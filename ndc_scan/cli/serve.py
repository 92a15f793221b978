"""``ndc-scan serve``: the analyst's workbench, a local web app over a store (thin over ``serve.server.serve``)."""

from __future__ import annotations

import click

from ..defaults import DEFAULT_STORE
from ..serve.server import DEFAULT_HOST, DEFAULT_PORT
from ..serve.server import serve as run_server
from .common import run as _run


@click.command()
@click.option("--store", default=str(DEFAULT_STORE), show_default=True, type=click.Path(dir_okay=False),
              help="Store holding the scan (made by 'ndc-scan scan').")
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Address to listen on. Any other than 127.0.0.1/localhost (e.g. 0.0.0.0) opens the workbench to "
                   "the network: every request then needs the access token.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--token", help="Access token to require (at least 16 characters); default: none on 127.0.0.1, "
                              "a new random one on any other address (printed in the URL).")
@click.option("--pdfs", "pdf_folders", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Folder holding the scanned PDFs, when they are no longer where they were scanned (matched by "
                   "file name and SHA-256); repeat for several.")
@click.option("--catalog", "catalogs", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Registry catalog (CSV) for citation details, beside the shipped ones (as for 'ndc-scan scan').")
@click.option("--taxonomy", type=click.Path(dir_okay=False), help="Taxonomy CSV the store was scanned with "
                                                                  "(default: the bundled one).")
@click.pass_context
def serve(ctx, store, host, port, token, pdf_folders, catalogs, taxonomy):
    """Open the workbench: explore, search, check evidence on the PDF page and review, in the browser.

    Prints the address to open (http://127.0.0.1:8765/ by default); stop it with Ctrl-C.
    Decisions made there are the same records as 'ndc-scan review' stores.

    \b
    Examples:
      ndc-scan serve --store .ndc_scan/store.sqlite
      ndc-scan serve --store corpus.sqlite --port 9000 --pdfs ~/ndcs
      ndc-scan serve --host 0.0.0.0          # for colleagues on the network: share the printed URL with its token
    """
    _run(ctx, lambda: run_server(store, host=host, port=port, token=token, pdf_folders=pdf_folders,
                                 catalogs=catalogs, taxonomy=taxonomy, echo=click.echo))


__all__ = ["serve"]
