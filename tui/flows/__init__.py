"""What the main screen does when asked, one topic a module.

- `moves.py`: fork, edit, a first message, branch into a new thread, rewind, sibling
  switches, undo — everything that writes a message or moves the head.
- `checkpoints.py`: save a checkpoint, delete one, branch from one (restoring one is a
  head move the side pane does itself: `widgets/thread_pane.py`).
- `threads.py`: new, rename, archive, delete a thread, cycle its status, the filters.
- `jumps.py`: search and compare, which open another place.
- `handoff.py`: continue the path in Claude Code or Codex.
- `sessions.py`: the empty database (welcome, demo) and importing this machine's sessions.

Each is a mixin of `MainScreen` built on `FlowHost`: an action asks with a dialog
(`push_screen(dialog, callback)`), and the callback makes one short store call through
`run_op`, then reloads what changed.
"""
