"""Timeline: a thread's events, newest last, one line each, drawn with the line API.

Each line reads `seq  time  marker kind  what it moved`, for example
`41  3m ago  ● rewound   head 57 → 52 · 5 back`. Move events (the ones `undo` can walk
back, and undos themselves) carry a marker; moves that a later undo took back are dimmed. Anything that came
from the user or a transcript (titles, checkpoint names) is cleaned of terminal control
sequences and never read as markup. A thread can have thousands of events: a `LineList`
renders the lines on screen only and keeps them in its LRU cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.reactive import reactive
from textual.strip import Strip

from store import Event, EventKind, Thread
from store.sources import AGENT_NAMES

from ..actions import bindings
from ..safe_text import clean_line
from .line_list import LineList
from ..timefmt import relative_time

Clock = Callable[[], datetime]

MOVE_MARKER = "●"
UNDO_MARKER = "↶"
OTHER_MARKER = "·"

_LABELS: dict[EventKind, str] = {
    EventKind.THREAD_CREATED: "created",
    EventKind.THREAD_UPDATED: "updated",
    EventKind.THREAD_ARCHIVED: "archived",
    EventKind.THREAD_UNARCHIVED: "unarchived",
    EventKind.MESSAGE_APPENDED: "appended",
    EventKind.MESSAGE_FORKED: "forked",
    EventKind.THREAD_FORKED: "thread fork",
    EventKind.LEAF_MOVED: "moved",
    EventKind.REWOUND: "rewound",
    EventKind.UNDONE: "undone",
    EventKind.CHECKPOINT_SAVED: "saved",
    EventKind.CHECKPOINT_RESTORED: "restored",
    EventKind.CHECKPOINT_DELETED: "cp deleted",
    EventKind.BRANCH_DELETED: "pruned",
    EventKind.IMPORTED: "imported",
    EventKind.HANDED_OFF: "handed off",
}
LABEL_WIDTH = max(len(label) for label in _LABELS.values())


def kind_label(kind: EventKind) -> str:
    """The short word the timeline shows for an event kind."""
    return _LABELS.get(kind, kind.value.replace("_", " "))


def _id(value: Any) -> str:
    return "∅" if value is None else str(value)


def _quoted(value: Any) -> str:
    return f"“{clean_line(str(value))}”"


def head_move(event: Event) -> str:
    """'head 41 → 37' for an event that moved the head."""
    return f"head {_id(event.from_leaf_id)} → {_id(event.to_leaf_id)}"


def describe(event: Event) -> str:
    """What the event did, in a few words (already cleaned for the terminal)."""
    data = event.data
    kind = event.kind
    if kind is EventKind.THREAD_CREATED:
        return _quoted(data["title"]) if data.get("title") else ""
    if kind is EventKind.THREAD_UPDATED:
        parts = []
        if isinstance(data.get("title"), dict):
            parts.append("title → " + _quoted(data["title"].get("to") or ""))
        if isinstance(data.get("status"), dict):
            status = data["status"]
            parts.append(f"status {clean_line(str(status.get('from')))} → {clean_line(str(status.get('to')))}")
        return " · ".join(parts)
    if kind is EventKind.MESSAGE_APPENDED:
        return head_move(event)
    if kind is EventKind.MESSAGE_FORKED:
        return f"forked at #{_id(data.get('parent_id'))} · {head_move(event)}"
    if kind is EventKind.THREAD_FORKED:
        if "to_thread_id" in data:
            return f"into thread {_id(data['to_thread_id'])} at #{_id(data.get('at_message_id'))}"
        return f"from thread {_id(data.get('from_thread_id'))} at #{_id(data.get('from_message_id'))}"
    if kind is EventKind.LEAF_MOVED:
        if data.get("via") == "switch_sibling":
            step = data.get("step")
            direction = "next" if isinstance(step, int) and step > 0 else "previous"
            return f"{head_move(event)} · {direction} sibling"
        return head_move(event)
    if kind is EventKind.REWOUND:
        dropped = data.get("dropped")
        return head_move(event) + (f" · {dropped} back" if isinstance(dropped, int) else "")
    if kind is EventKind.UNDONE:
        undoes = data.get("undoes_seq")
        what = data.get("undoes_kind")
        label = kind_label(EventKind(what)) if what in EventKind._value2member_map_ else ""
        return f"{head_move(event)} · undoes {_id(undoes)} {label}".rstrip()
    if kind is EventKind.CHECKPOINT_SAVED:
        text = f"{_quoted(data.get('name', ''))} at #{_id(event.message_id)}"
        if "overwrote_message_id" in data:
            text += f" (was #{_id(data['overwrote_message_id'])})"
        return text
    if kind is EventKind.CHECKPOINT_RESTORED:
        return f"{_quoted(data.get('name', ''))} · {head_move(event)}"
    if kind is EventKind.CHECKPOINT_DELETED:
        return f"{_quoted(data.get('name', ''))} at #{_id(event.message_id)}"
    if kind is EventKind.BRANCH_DELETED:
        text = f"#{_id(event.message_id)}"
        if isinstance(data.get("deleted"), int):
            text += f" · {data['deleted']} msgs"
        if event.from_leaf_id != event.to_leaf_id:
            text += f" · {head_move(event)}"
        return text
    if kind is EventKind.HANDED_OFF:
        agent = AGENT_NAMES.get(str(data.get("agent")), clean_line(str(data.get("agent"))))
        return f"to {agent} at #{_id(event.message_id)} · session {clean_line(str(data.get('session_id', '')))[:8]}"
    if kind is EventKind.IMPORTED:
        counts = [f"{k} {v}" for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool)]
        return clean_line(", ".join(counts))
    return ""


def undone_seqs(events_: list[Event]) -> set[int]:
    """The seqs of moves that an `undone` event in this list took back."""
    seqs: set[int] = set()
    for event in events_:
        if event.kind is EventKind.UNDONE and isinstance(event.data.get("undoes_seq"), int):
            seqs.add(event.data["undoes_seq"])
    return seqs


class Timeline(LineList[Event]):
    """A thread's events with a cursor; enter asks the app to jump to that state."""

    COMPONENT_CLASSES = {
        "timeline--cursor",
        "timeline--seq",
        "timeline--time",
        "timeline--kind",
        "timeline--move",
        "timeline--detail",
        "timeline--undone",
        "timeline--empty",
    }
    """Styles of the parts of a line; see DEFAULT_CSS."""

    DEFAULT_CSS = """
    Timeline {
        height: 1fr;
        background: $surface;
        scrollbar-size-horizontal: 0;
    }
    Timeline > .timeline--cursor { background: $foreground 15%; text-style: bold; }
    Timeline:focus > .timeline--cursor { background: $accent 50%; text-style: bold; }
    Timeline > .timeline--seq { color: $text-muted; }
    Timeline > .timeline--time { color: $text-muted; }
    Timeline > .timeline--kind { color: $secondary; }
    Timeline > .timeline--move { color: $accent; text-style: bold; }
    Timeline > .timeline--detail { color: $text; }
    Timeline > .timeline--undone { color: $text-disabled; text-style: strike; }
    Timeline > .timeline--empty { color: $text-muted; text-style: italic; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("timeline")

    CURSOR_CLASS = "timeline--cursor"
    EMPTY_CLASS = "timeline--empty"

    absolute_time: reactive[bool] = reactive(False, init=False)
    """Show times as 2026-03-14 09:00:41 instead of '3m ago'."""

    @dataclass
    class EventChosen(LineList.Chosen):
        """The user pressed enter on an event: jump to the state it led to."""

        @property
        def timeline(self) -> Timeline:
            """The timeline the event was chosen in."""
            return self.line_list  # type: ignore[return-value]

        @property
        def event(self) -> Event:
            """The chosen event."""
            return self.item

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """A timeline; `clock` gives "now" for relative times (default: the wall clock)."""
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._clock: Clock = clock or (lambda: datetime.now(timezone.utc))
        self._thread: Thread | None = None
        self._undone: set[int] = set()
        self._seq_width = 1
        self.empty_text = "No thread selected"

    # ------------------------------------------------------------------ data

    @property
    def thread(self) -> Thread | None:
        """The thread whose events are shown."""
        return self._thread

    @property
    def shown_events(self) -> list[Event]:
        """The events shown, oldest first."""
        return self.items

    @property
    def selected(self) -> Event | None:
        """The event under the cursor."""
        return self.selected_item

    @property
    def _line_cache(self) -> LRUCache[Any, Strip]:
        """The rendered lines (a test counts them)."""
        return self._cache

    def item_key(self, item: Event) -> int:
        return item.id

    def make_chosen(self, item: Event) -> Timeline.EventChosen:
        return self.EventChosen(self, item)

    def line_width(self) -> int:
        return self.size.width

    def show_events(self, thread: Thread | None, events_: list[Event]) -> None:
        """Show `events_` (oldest first) of `thread`; None clears the timeline.

        Pushing the same thread again (a live refresh) keeps the selected event, unless
        the cursor was on the newest one: then it follows the newest.
        """
        was_at_end = not self.items or self.cursor >= len(self.items) - 1
        same_thread = thread is not None and self._thread is not None and thread.id == self._thread.id
        self._thread = thread
        shown = list(events_) if thread is not None else []
        self._undone = undone_seqs(shown)
        self._seq_width = len(str(max((e.seq for e in shown), default=1)))
        self.empty_text = "No thread selected" if thread is None else "No events yet"
        self.set_items(shown, fallback=len(shown) - 1, keep=same_thread and not was_at_end)

    # ------------------------------------------------------------------ keys

    def action_toggle_time(self) -> None:
        """Switch between relative and absolute times."""
        self.absolute_time = not self.absolute_time

    def watch_absolute_time(self) -> None:
        self.clear_cache()

    # ------------------------------------------------------------------ drawing

    def render_item_line(self, item: Event, part: int, width: int, selected: bool) -> Strip:
        text = self._line_text(item)
        text.truncate(width, overflow="ellipsis")
        return Strip(list(text.render(self.app.console))).crop_extend(0, width, self.rich_style)

    def _time(self, moment: datetime) -> str:
        if self.absolute_time:
            return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        return f"{relative_time(moment, self._clock()):>7}"

    def _line_text(self, event: Event) -> Text:
        style = self.get_component_rich_style
        undone = event.seq in self._undone
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(f" {event.seq:>{self._seq_width}} ", style=style("timeline--seq"))
        text.append(self._time(event.created_at), style=style("timeline--time"))
        if event.is_move or event.kind is EventKind.UNDONE:
            marker = UNDO_MARKER if event.kind is EventKind.UNDONE else MOVE_MARKER
            text.append(f" {marker} ", style=style("timeline--undone" if undone else "timeline--move"))
        else:
            text.append(f" {OTHER_MARKER} ", style=style("timeline--time"))
        text.append(f"{kind_label(event.kind):<{LABEL_WIDTH}} ", style=style("timeline--kind"))
        detail_style = style("timeline--undone") if undone else style("timeline--detail")
        text.append(describe(event), style=detail_style)
        return text


__all__ = ["Timeline", "describe", "kind_label", "undone_seqs"]
