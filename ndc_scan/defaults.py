"""Where the shipped data lives, found from the package itself, never from the current folder.

The same command typed in any folder labels the same way: the taxonomy ships inside the
package (``ndc_scan/data``); the trained model, the hand labels and the sample NDCs live in
the source checkout beside the package (``models/``, ``corpora/``), which is what ``make
setup`` installs (``pip install -e``). Only the workspace store is the user's own and sits
in the folder where a scan is run (``.ndc_scan/store.sqlite``).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The source checkout that holds the package (models/, corpora/ beside ndc_scan/).
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = PACKAGE_DIR / "data"

DEFAULT_TAXONOMY = DATA_DIR / "taxonomy.csv"
DEFAULT_CONCEPTS = DATA_DIR / "concepts.csv"
DEFAULT_MODEL_DIR = PROJECT_DIR / "models" / "ndc-soil"
DEFAULT_LABELS = PROJECT_DIR / "corpora" / "labels" / "passages.jsonl"
DEFAULT_DOCUMENTS = PROJECT_DIR / "corpora" / "labels" / "documents.csv"
#: The workspace store, relative to the folder a command runs in: each workspace keeps its own.
DEFAULT_STORE = Path(".ndc_scan") / "store.sqlite"


def shown(path: Path) -> str:
    """A path as the CLI shows it: relative to the current folder when inside it, else absolute."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
