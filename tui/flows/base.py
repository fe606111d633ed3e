"""FlowHost: what the flows (`tui/flows/*.py`) may use of the main screen."""

from __future__ import annotations

from textual.screen import Screen

from store import Message, Store, Thread

from ..thread_model import ThreadView
from ..widgets.thread_list import ThreadList
from ..widgets.thread_pane import ThreadPane
from ..widgets.transcript import Transcript
from ..workers import StoreOps


class FlowHost(StoreOps, Screen[None]):
    """The main screen as the flows see it; `MainScreen` provides every member."""

    store: Store
    """The open database."""
    cursor_blink: bool
    """Whether the dialogs' text cursors blink (off for snapshots)."""

    @property
    def pane(self) -> ThreadPane:
        """The open thread's pane."""
        return self.query_one(ThreadPane)

    @property
    def thread_list(self) -> ThreadList:
        return self.query_one(ThreadList)

    @property
    def transcript(self) -> Transcript:
        return self.pane.transcript

    @property
    def view(self) -> ThreadView | None:
        """The open thread as shown."""
        return self.pane.view

    @property
    def thread(self) -> Thread | None:
        """The open thread."""
        return self.pane.thread

    def load_threads(self, first: bool = False, select_id: int | None = None) -> object:
        """Read the thread list again (the screen's worker), the cursor on `select_id`."""
        raise NotImplementedError

    def load_thread(
        self, thread_id: int, select_id: int | None = None, select_index: int | None = None, focus: bool = False
    ) -> object:
        """Open a thread in the pane (the pane's worker: bench/app.py times it)."""
        return self.pane.load_thread(thread_id, select_id=select_id, select_index=select_index, focus=focus)

    def reload(self, thread_id: int, *, select_id: int | None = None, select_index: int | None = None, focus: bool = False) -> None:
        """Show the thread again (selecting a message) and bring the thread list up to date."""
        self.pane.load_thread(thread_id, select_id=select_id, select_index=select_index, focus=focus)
        self.load_threads()

    def open_thread(self, thread_id: int) -> None:
        """Open a thread made by a flow: list it with the cursor on it, and show it."""
        self.load_threads(select_id=thread_id)
        self.pane.load_thread(thread_id, focus=True)

    def selected(self) -> Message | None:
        """The transcript's selected message, or a warning that there is none."""
        message = self.transcript.selected
        if message is None:
            self.notify("Open a thread and select a message first.", severity="warning")
        return message

    def target_thread(self) -> Thread | None:
        """The thread a thread key acts on: the list's cursor when the list has focus."""
        if self.focused is self.thread_list and self.thread_list.selected is not None:
            return self.thread_list.selected
        if self.thread is not None:
            return self.thread
        return self.thread_list.selected
