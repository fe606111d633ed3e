"""Keeping Python's cyclic garbage collector off the paths a person waits on.

Opening a big thread builds tens of thousands of objects; every so often that trips a
full collection, which scans every object the app holds — the 10,000 threads of the
list, the open thread's messages, the widgets — and took ~100 ms of a 360 ms open of
the 10,000-message thread (bench/app.py). What a load leaves behind lives until the
next load and holds no reference cycles (models, lists, dicts: refcounting frees them),
so once a load is done we move everything alive into the collector's permanent
generation (`gc.freeze`), and later collections scan only what is new.

The price: a reference cycle that was alive at a freeze and dies later is not collected
while frozen. So every RELEASE_EVERY-th settle hands everything back instead (the next
full collection then reclaims such cycles), and the app hands everything back when it
exits (tests run hundreds of apps in one process).
"""

from __future__ import annotations

import gc

RELEASE_EVERY = 20

_settles = 0


def settle_heap() -> None:
    """Call when a load is done: what exists now is not scanned by later collections."""
    global _settles
    _settles += 1
    if _settles % RELEASE_EVERY == 0:
        gc.unfreeze()
    else:
        gc.freeze()


def release_heap() -> None:
    """Hand every frozen object back to the collector (the app is closing)."""
    gc.unfreeze()
