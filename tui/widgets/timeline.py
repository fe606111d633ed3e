"""Timeline: a thread's events, newest last, one line each, drawn with the line API.

Each line reads `seq  time  marker kind  what it moved`, for example
`41  3m ago  ● rewound   head 57 → 52 · 5 back`. Move events (the ones `undo` can walk
back, and undos themselves) carry a marker; moves that a later undo took back are dimmed. Anything that came
from the user or a transcript (titles, checkpoint names) is cleaned of terminal control
sequences and never read as markup. A thread can have thousands of events, so lines are
rendered on demand and kept in an LRU cache, never one widget per event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message as TextualMessage
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store import Event, EventKind, Thread

from ..actions import bindings
from ..safe_text import clean_line
from .lines import highlight
from .sizing import set_virtual_size
from ..timefmt import relative_time
from .cursor import CursorKeys

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
        agent = {"claude-code": "Claude Code", "codex": "Codex"}.get(str(data.get("agent")), clean_line(str(data.get("agent"))))
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


class Timeline(CursorKeys, ScrollView, can_focus=True):
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

    cursor: reactive[int] = reactive(0, init=False)
    """Index in `events` of the selected event."""

    absolute_time: reactive[bool] = reactive(False, init=False)
    """Show times as 2026-03-14 09:00:41 instead of '3m ago'."""

    @dataclass
    class EventChosen(TextualMessage):
        """The user pressed enter on an event: jump to the state it led to."""

        timeline: Timeline
        """The timeline the event was chosen in."""
        event: Event
        """The chosen event."""

        @property
        def control(self) -> Timeline:
            """The timeline, so `@on(Timeline.EventChosen, "#selector")` works."""
            return self.timeline

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
        self._events: list[Event] = []
        self._undone: set[int] = set()
        self._seq_width = 1
        self._line_cache: LRUCache[tuple[int, int, bool], Strip] = LRUCache(1024)

    # ------------------------------------------------------------------ data

    @property
    def thread(self) -> Thread | None:
        """The thread whose events are shown."""
        return self._thread

    @property
    def shown_events(self) -> list[Event]:
        """The events shown, oldest first."""
        return self._events

    @property
    def selected(self) -> Event | None:
        """The event under the cursor."""
        return self._events[self.cursor] if 0 <= self.cursor < len(self._events) else None

    def show_events(self, thread: Thread | None, events_: list[Event]) -> None:
        """Show `events_` (oldest first) of `thread`; None clears the timeline.

        Pushing the same thread again (a live refresh) keeps the selected event, unless
        the cursor was on the newest one: then it follows the newest.
        """
        previous = self.selected
        was_at_end = not self._events or self.cursor >= len(self._events) - 1
        same_thread = thread is not None and self._thread is not None and thread.id == self._thread.id
        self._thread = thread
        self._events = list(events_) if thread is not None else []
        self._undone = undone_seqs(self._events)
        self._seq_width = len(str(max((e.seq for e in self._events), default=1)))
        self._line_cache.clear()
        set_virtual_size(self, Size(self.size.width, max(1, len(self._events))))
        target = len(self._events) - 1
        if same_thread and previous is not None and not was_at_end:
            target = next((i for i, e in enumerate(self._events) if e.id == previous.id), target)
        self.set_reactive(Timeline.cursor, max(0, target))
        self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()

    # ------------------------------------------------------------------ keys

    @property
    def cursor_count(self) -> int:
        return len(self._events)

    def action_page(self, direction: int) -> None:
        """A screen further down (or up)."""
        self.move_cursor_by(max(1, self.size.height - 1) * direction)

    def action_choose(self) -> None:
        """Ask the app to jump to the state the selected event led to."""
        event = self.selected
        if event is not None:
            self.post_message(self.EventChosen(self, event))

    def action_toggle_time(self) -> None:
        """Switch between relative and absolute times."""
        self.absolute_time = not self.absolute_time

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh_line(old)
        self.refresh_line(new)

    def watch_absolute_time(self) -> None:
        self._line_cache.clear()
        self.refresh()

    def refresh_line(self, index: int) -> None:
        """Repaint the line of one event (if it is on screen)."""
        y = index - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        self.scroll_to_region(
            Region(0, self.cursor, 1, 1), animate=False, force=True, x_axis=False, immediate=True
        )

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + self.scroll_offset.y
        if 0 <= index < len(self._events):
            if index == self.cursor and event.chain >= 2:
                self.action_choose()
            self.cursor = index

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_cache.clear()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, max(1, len(self._events)))

    # ------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        width = self.size.width
        if not self._events:
            if y == 0:
                message = "No thread selected" if self._thread is None else "No events yet"
                text = Text(f" {message}", style=self.get_component_rich_style("timeline--empty"), end="")
                return self._strip(text, width)
            return Strip.blank(width, self.rich_style)
        if index >= len(self._events):
            return Strip.blank(width, self.rich_style)
        key = (index, width, self.absolute_time)
        strip = self._line_cache.get(key)
        if strip is None:
            strip = self._strip(self._line_text(self._events[index]), width)
            self._line_cache[key] = strip
        if index == self.cursor:
            strip = highlight(strip, self.get_component_rich_style("timeline--cursor"))
        return strip

    def _strip(self, text: Text, width: int) -> Strip:
        text.truncate(width, overflow="ellipsis")
        segments = list(text.render(self.app.console))
        return Strip(segments).crop_extend(0, width, self.rich_style)

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
