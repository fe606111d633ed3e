"""The store's transactions: plain synchronous functions on a sqlite3 connection, by topic.

Each `tx_*` function is one whole write transaction's body and each `rx_*` one read's;
`Store` runs them on a connection's thread in one hop (see `connection.py`). Each checks
the invariants before it writes anything and appends exactly one event per thread it
changes, so a refused operation leaves the file untouched.

    threads.py      create, update, archive, delete a thread; the thread-list queries
    tree.py         append, and reading the tree: path, children, siblings, leaves
    forks.py        fork (a branch in the thread) and fork_thread (a new thread)
    moves.py        set_leaf, switch_sibling, rewind: moves of the head
    undo.py         undo: back to before the latest move not yet undone
    checkpoints.py  save, list, restore, delete checkpoints
    branches.py     delete_branch
    events.py       the timeline query
    steps.py        what they share: row lookups, insert_child, move_head, add_event
"""

from __future__ import annotations

# The bulk writer (bulk.py) and the hand-off table (handoffs.py) append events and index
# imported messages with the same steps.
from .steps import add_event, index_pending

__all__ = ["add_event", "index_pending"]
