"""store/ (importers, exporters, bulk writer included) never imports textual or rich."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_store_importers_and_exporters_do_not_import_the_ui() -> None:
    code = (
        "import sys, store, store.bulk, store.importers, store.exporters\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[2], timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
