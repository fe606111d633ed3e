"""Fast hands (issue 10 items 15–17): keys typed in a burst land where the person meant them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events
from textual.widgets import Input, TextArea

from store import EventKind
from tui.screens.main import MainScreen
from tui.screens.modals import ComposerScreen, PromptScreen

from tui_helpers import main, make_app, select, settle

BRANCH_POINT = 339
"""In the demo's login thread: the prompt that has two later siblings (‹1/3›)."""


async def burst(pilot: Any, keys: str | list[str]) -> None:
    """Keys arriving all at once, as a paste or fast typing delivers them.

    `pilot.press` waits for the app to be idle after every key, which a person at the
    keyboard never does; here every key is queued before the app handles the first.
    """
    app = pilot.app
    for key in keys:
        char = key if len(key) == 1 else None
        name = {" ": "space"}.get(key, key)
        event = events.Key(name, char)
        event.set_sender(app)
        app.post_message(event)
    await pilot.pause()
    await settle(pilot)


async def test_keys_typed_after_c_are_the_checkpoint_name(demo_db: Path) -> None:
    """`cbefore` in one burst: one prompt holding "before", nothing run on the main screen."""
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        leaf = main(app).thread.current_leaf_id
        count = (await app.store.get_thread(thread_id)).message_count
        threads = await app.store.count_threads(include_archived=True)
        select(app, BRANCH_POINT)
        await burst(pilot, "cbefore")
        assert isinstance(app.screen, PromptScreen)
        assert isinstance(app.screen_stack[-2], MainScreen), app.screen_stack  # one dialog, not a stack of them
        assert app.screen.query_one(Input).value == "before"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert (await app.store.get_checkpoint(thread_id, "before")).message_id == BRANCH_POINT
        thread = await app.store.get_thread(thread_id)
        assert (thread.current_leaf_id, thread.message_count) == (leaf, count)
        assert await app.store.count_threads(include_archived=True) == threads


async def test_keys_typed_after_f_are_the_message(demo_db: Path) -> None:
    """`fhello world` in one burst: one composer holding "hello world"."""
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        select(app, BRANCH_POINT)
        await burst(pilot, "fhello world")
        assert isinstance(app.screen, ComposerScreen)
        assert isinstance(app.screen_stack[-2], MainScreen), app.screen_stack  # one dialog, not a stack of them
        assert app.screen.query_one(TextArea).text == "hello world"


async def test_ctrl_s_sends_every_key_typed_before_it(demo_db: Path) -> None:
    """Text typed fast and then ctrl+s: the message holds all of it, the last keys too."""
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        select(app, BRANCH_POINT)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        await burst(pilot, [*"abc def ghi jkl mno", "ctrl+s"])
        assert isinstance(app.screen, MainScreen)
        thread = await app.store.get_thread(main(app).thread.id)
        head = await app.store.get_message(thread.current_leaf_id)
        assert head.content == "abc def ghi jkl mno"


async def test_fast_brackets_record_no_moves_that_change_nothing(demo_db: Path) -> None:
    """`]` pressed fast, and `[` on the first sibling: every recorded move changes the head."""
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        select(app, BRANCH_POINT)
        before = len(await app.store.events(thread_id, limit=10_000))
        await burst(pilot, ["right_square_bracket"] * 4 + ["left_square_bracket"] * 6)
        events_ = (await app.store.events(thread_id, limit=10_000))[before:]
        moves = [e for e in events_ if e.kind is EventKind.LEAF_MOVED]
        assert moves, "the brackets moved the head at least once"
        assert all(e.from_leaf_id != e.to_leaf_id for e in moves), [(e.from_leaf_id, e.to_leaf_id) for e in moves]


async def test_the_header_numbers_branches_as_the_transcript_does(demo_db: Path) -> None:
    """One numbering: the header shows the ‹k/n› of the deepest branch point on the path,
    the one the transcript marks, and follows every move, a rewind too (item 18)."""
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)

        def header_mark() -> str:
            fork = screen.view.fork_point if screen.view else None
            assert fork is not None
            message, (k, n) = fork
            assert screen.transcript.sibling_info(message.id) == (k, n)
            title = str(screen.transcript.border_title)
            assert f"‹{k}/{n}› at #{message.id}" in title and "branch" not in title
            return title

        select(app, BRANCH_POINT)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        switched = header_mark()
        sibling = screen.transcript.selected
        assert sibling is not None and screen.transcript.sibling_info(sibling.id) == (2, 3)
        await pilot.press("r", "y")
        await settle(pilot)
        assert screen.thread.current_leaf_id == sibling.id
        assert header_mark() != switched
        assert screen.view.fork_point[0].id == sibling.id
