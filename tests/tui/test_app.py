"""Behaviour of the app, key by key, checked against what the store holds afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.message import Message as TextualMessage
from textual.widgets import Input, TextArea

from store import EventKind, Role, Store, ThreadStatus
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.modals import ComposerScreen, ConfirmScreen, PromptScreen
from tui.widgets.branch_tree import BranchTree
from tui.widgets.checkpoint_list import CheckpointList
from tui.widgets.thread_list import ThreadList
from tui.widgets.timeline import Timeline

from tui_helpers import main, make_app, select, settle, wait_until

LOGIN = "Fix flaky login test"
BRANCH_POINT = 339
"""In the demo's login thread: the prompt that has two later siblings (‹1/3›)."""


async def open_thread(pilot: Any, title: str) -> None:
    """Move the thread list's cursor to a thread and press enter."""
    app = pilot.app
    threads = main(app).thread_list
    threads.focus()
    index = next(i for i, row in enumerate(threads.rows) if row.thread.title == title)
    threads.cursor = index
    await pilot.press("enter")
    await settle(pilot)
    assert main(app).thread is not None and main(app).thread.title == title


async def test_start_opens_the_newest_thread_with_a_title_that_counts(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.thread is not None and screen.thread.title == LOGIN
        assert str(screen.transcript.border_title) == f"{LOGIN} · ‹1/2› at #347 · 19 of 24 msgs"
        assert str(screen.thread_list.border_title) == "Threads 12"
        assert app.focused is screen.thread_list


async def test_enter_in_the_thread_list_opens_a_thread(demo_db: Path) -> None:
    posted: list[TextualMessage] = []
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45), message_hook=posted.append) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await pilot.press("enter")
        await settle(pilot)
        chosen = [m for m in posted if isinstance(m, ThreadList.ThreadChosen)]
        assert chosen and chosen[-1].thread.title == "WAL mode vs rollback journal"
        assert main(app).thread.title == "WAL mode vs rollback journal"
        assert app.focused is main(app).transcript
        assert [m.id for m in main(app).transcript.path] == [m.id for m in await app.store.path(main(app).thread.id)]


async def test_tab_moves_between_panes(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("tab")
        assert app.focused is screen.transcript
        await pilot.press("tab")
        assert isinstance(app.focused, BranchTree)
        await pilot.press("tab")
        assert app.focused is screen.thread_list
        await pilot.press("shift+tab")
        assert isinstance(app.focused, BranchTree)
        await pilot.press("v")
        assert isinstance(app.focused, Timeline)
        await pilot.press("v")
        assert isinstance(app.focused, CheckpointList)


async def test_j_and_k_move_the_selected_message(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        transcript = main(app).transcript
        transcript.focus()
        last = len(transcript.path) - 1
        assert transcript.cursor == last
        await pilot.press("k", "k", "up")
        assert transcript.cursor == last - 3
        await pilot.press("j", "down")
        assert transcript.cursor == last - 1
        await pilot.press("g")
        assert transcript.cursor == 0
        await pilot.press("G")
        assert transcript.cursor == last


async def test_brackets_switch_siblings_and_the_marker_follows(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        thread_id = screen.thread.id
        select(app, BRANCH_POINT)
        assert screen.transcript.sibling_info(BRANCH_POINT) == (1, 3)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        selected = screen.transcript.selected
        assert selected is not None and selected.id != BRANCH_POINT
        assert screen.transcript.sibling_info(selected.id) == (2, 3)
        thread = await app.store.get_thread(thread_id)
        assert selected.id in [m.id for m in await app.store.path(thread_id)]
        assert thread.current_leaf_id == screen.transcript.path[-1].id
        screen.transcript.focus()
        await pilot.press("left")
        await settle(pilot)
        assert screen.transcript.selected.id == BRANCH_POINT
        await pilot.press("left_square_bracket")  # already the first: the store refuses, the app says so
        await settle(pilot)
        assert any("sibling" in str(n.message).lower() for n in app._notifications)
        assert app.is_running


async def test_fork_writes_a_new_child_of_the_selected_message(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        select(app, BRANCH_POINT)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        assert app.screen.role is Role.ASSISTANT  # the reply to the selected prompt
        await pilot.press(*"try a fake clock")
        await pilot.press("enter")
        await pilot.press(*"second line")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        thread = await app.store.get_thread(main(app).thread.id)
        head = await app.store.get_message(thread.current_leaf_id)
        assert head.parent_id == BRANCH_POINT
        assert head.role is Role.ASSISTANT
        assert head.content == "try a fake clock\nsecond line"
        assert main(app).transcript.selected.id == head.id


async def test_escape_cancels_the_composer(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        before = await app.store.messages(main(app).thread.id)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press(*"never sent")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert await app.store.messages(main(app).thread.id) == before


async def test_edit_writes_a_sibling_with_the_same_role(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        select(app, BRANCH_POINT)
        original = await app.store.get_message(BRANCH_POINT)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        area = app.screen.query_one(TextArea)
        assert area.text == original.content
        area.text = "A shorter answer."
        await pilot.press("ctrl+s")
        await settle(pilot)
        siblings = await app.store.siblings(BRANCH_POINT)
        assert len(siblings) == 4
        new = siblings[-1]
        assert (new.content, new.role, new.parent_id) == ("A shorter answer.", original.role, original.parent_id)
        assert main(app).transcript.sibling_info(new.id) == (4, 4)


async def test_branch_copies_the_path_into_a_new_thread(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        old = main(app).thread
        select(app, BRANCH_POINT)
        await pilot.press("b")
        await settle(pilot)
        new = main(app).thread
        assert new.id != old.id
        assert new.forked_from_thread_id == old.id and new.forked_from_message_id == BRANCH_POINT
        assert len(await app.store.path(new.id)) == (await app.store.get_message(BRANCH_POINT)).depth + 1
        assert main(app).thread_list.selected.id == new.id


async def test_rewind_asks_says_how_many_leave_and_moves_the_head(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        head = main(app).thread.current_leaf_id
        select(app, BRANCH_POINT)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        body = str(app.screen.query_one("#confirm-body").render())
        assert "12 messages leave the active path; they stay as a branch" in body
        await pilot.press("n")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == head
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == BRANCH_POINT
        assert main(app).transcript.path[-1].id == BRANCH_POINT
        assert len(await app.store.messages(thread_id)) == 24  # nothing was deleted


async def test_rewind_with_enter_and_escape(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        select(app, BRANCH_POINT)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id != BRANCH_POINT
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == BRANCH_POINT


async def test_checkpoint_saves_and_asks_before_overwriting(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        select(app, BRANCH_POINT)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"mine", "enter")
        await settle(pilot)
        saved = await app.store.get_checkpoint(thread_id, "mine")
        assert saved.message_id == BRANCH_POINT
        assert "mine" in [c.name for c in main(app).query_one(CheckpointList).checkpoints]
        # The same name again: a question first; "n" keeps the old one.
        select(app, main(app).transcript.path[-1].id)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*"mine", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert (await app.store.get_checkpoint(thread_id, "mine")).message_id == BRANCH_POINT
        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*"mine", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert (await app.store.get_checkpoint(thread_id, "mine")).message_id == main(app).transcript.path[-1].id


async def test_undo_walks_back_every_move(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        start = main(app).thread.current_leaf_id
        select(app, BRANCH_POINT)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        after_switch = (await app.store.get_thread(thread_id)).current_leaf_id
        select(app, BRANCH_POINT - 1)
        await pilot.press("r", "y")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == BRANCH_POINT - 1
        await pilot.press("u")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == after_switch
        await pilot.press("u")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == start
        assert main(app).transcript.path[-1].id == start
        kinds = [e.kind for e in await app.store.events(thread_id, limit=1000)]
        assert kinds[-2:] == [EventKind.UNDONE, EventKind.UNDONE]


async def test_store_errors_become_notifications(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "g.db") as store:
        thread = await store.create_thread("Nothing to undo")
    app = make_app(tmp_path / "g.db")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert app.is_running
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "undo" in str(errors[-1].message).lower()
        assert thread.id == main(app).thread.id


async def test_enter_on_a_tree_node_moves_the_head(demo_db: Path) -> None:
    posted: list[TextualMessage] = []
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45), message_hook=posted.append) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        tree = main(app).query_one(BranchTree)
        tree.focus()
        off_path = next(i for i, run in enumerate(tree.runs) if not run.on_path)
        run = tree.runs[off_path]
        tree.cursor = off_path
        await pilot.press("enter")
        await settle(pilot)
        assert any(isinstance(m, BranchTree.RunChosen) for m in posted)
        expected = await app.store.newest_leaf(run.last.id)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == expected.id
        assert tree.runs[tree.cursor].first.id == run.first.id
        assert tree.runs[off_path].on_path


async def test_enter_on_a_timeline_event_moves_the_head_there(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        head = main(app).thread.current_leaf_id
        main(app).query_one("#side-tabs").active = "tab-timeline"
        timeline = main(app).query_one(Timeline)
        timeline.focus()
        index = next(i for i, e in enumerate(timeline.shown_events) if e.to_leaf_id not in (None, head))
        target = timeline.shown_events[index].to_leaf_id
        timeline.cursor = index
        await pilot.press("enter")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == target
        last = (await app.store.events(thread_id, limit=1000))[-1]
        assert last.kind is EventKind.LEAF_MOVED and last.to_leaf_id == target
        await pilot.press("u")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == head


async def test_checkpoints_restore_branch_and_delete(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        main(app).query_one("#side-tabs").active = "tab-checkpoints"
        checkpoints = main(app).query_one(CheckpointList)
        checkpoints.focus()
        index = next(i for i, c in enumerate(checkpoints.checkpoints) if c.name == "before-ttl-experiment")
        checkpoints.cursor = index
        await pilot.press("enter")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == BRANCH_POINT - 1  # the reply listing the three options
        # d asks first; n keeps it.
        checkpoints.focus()
        checkpoints.cursor = next(i for i, c in enumerate(checkpoints.checkpoints) if c.name == "fake-clock")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert "fake-clock" in [c.name for c in await app.store.list_checkpoints(thread_id)]
        checkpoints.focus()
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "fake-clock" not in [c.name for c in await app.store.list_checkpoints(thread_id)]
        assert "fake-clock" not in [c.name for c in checkpoints.checkpoints]
        # b branches into a new thread at the checkpoint's message.
        checkpoints.focus()
        checkpoints.cursor = next(i for i, c in enumerate(checkpoints.checkpoints) if c.name == "green")
        green = checkpoints.checkpoints[checkpoints.cursor].message_id
        await pilot.press("b")
        await settle(pilot)
        new = main(app).thread
        assert new.id != thread_id and new.forked_from_message_id == green


async def test_archive_status_and_filters(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        threads = screen.thread_list
        threads.focus()
        await pilot.press("j")  # the freezegun fork, under its parent
        target = threads.selected
        await pilot.press("a")
        await settle(pilot)
        assert (await app.store.get_thread(target.id)).archived
        assert target.id not in [r.thread.id for r in threads.rows]
        await pilot.press("3")
        await settle(pilot)
        assert str(threads.border_title).endswith("+archived")
        await pilot.press("3")
        await settle(pilot)
        assert str(threads.border_title) == "Threads 2 · archived only"
        threads.select_thread(target.id)
        await pilot.press("a")
        await settle(pilot)
        assert not (await app.store.get_thread(target.id)).archived
        await pilot.press("3")
        await settle(pilot)
        # s cycles the status of the thread under the cursor.
        threads.select_thread(target.id)
        before = (await app.store.get_thread(target.id)).status
        await pilot.press("s")
        await settle(pilot)
        after = (await app.store.get_thread(target.id)).status
        order = list(ThreadStatus)
        assert order.index(after) == (order.index(before) + 1) % len(order)
        # 1 filters by status, 2 by source; the pane title says so.
        await pilot.press("1")
        await settle(pilot)
        assert "status: idle" in str(threads.border_title)
        assert all(r.thread.status is ThreadStatus.IDLE for r in threads.rows)
        await pilot.press("2")
        await settle(pilot)
        assert "source: claude-code" in str(threads.border_title)
        assert all(r.thread.source == "claude-code" for r in threads.rows)


async def test_new_thread_asks_a_title_then_the_first_message(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"Plan the release", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        await pilot.press(*"What is left?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        thread = main(app).thread
        assert thread.title == "Plan the release"
        path = await app.store.path(thread.id)
        assert [(m.role, m.content) for m in path] == [(Role.USER, "What is left?")]
        assert main(app).thread_list.selected.id == thread.id


async def test_help_lists_every_key(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.table
        text = "".join(str(cell) for column in table.columns for cell in column.cells)
        for description in ("Fork", "Edit", "Branch", "Rewind", "Checkpoint", "Undo", "Archive", "New", "Status",
                            "Search", "Quit", "Commands", "Move head here", "Jump here", "Send", "Yes"):
            assert description in text, description
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_command_palette_reaches_actions_by_name(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        select(app, BRANCH_POINT)
        await pilot.press("r", "y")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"undo the last")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id != BRANCH_POINT


async def test_long_messages_fold_and_tool_calls_expand(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        transcript = main(app).transcript
        transcript.focus()
        tool = next(m for m in transcript.path if m.role is Role.TOOL)
        select(app, tool.id)
        await pilot.pause()
        assert not transcript.is_expanded(tool.id)
        await pilot.press("enter")
        await pilot.pause()
        assert transcript.is_expanded(tool.id)
        await pilot.press("space")
        assert not transcript.is_expanded(tool.id)


async def test_q_quits(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_narrow_terminal_folds_the_side_pane(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert not screen.query_one("#side").display
        assert screen.thread_list.display
        await pilot.press("p")
        await pilot.pause()
        # Both do not fit beside a readable transcript: the pane asked for last stays.
        assert screen.query_one("#side").display
        assert not screen.thread_list.display
        await pilot.press("l")
        await pilot.pause()
        assert screen.thread_list.display
        assert not screen.query_one("#side").display
        await pilot.press("l")
        await pilot.pause()
        assert not screen.thread_list.display


async def test_empty_database_welcome_fills_demo_threads(tmp_path: Path) -> None:
    app = make_app(tmp_path / "empty.db")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        from tui.screens.welcome import WelcomeScreen

        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert await app.store.count_threads() == 12
        assert main(app).thread is not None


async def test_a_thread_another_process_appends_to_grows_on_screen(demo_db: Path) -> None:
    app = make_app(demo_db, poll_interval=0.05)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        thread_id = screen.thread.id
        transcript = screen.transcript
        selected_before = transcript.cursor = 3
        async with Store.open(demo_db) as other:
            written = await other.append(thread_id, "user", "written by another process")
        await wait_until(pilot, lambda: bool(transcript.path) and transcript.path[-1].id == written.id)
        assert transcript.path[-1].id == written.id
        assert transcript.cursor == selected_before  # the selection stayed where it was
        assert screen.thread_list.rows[0].thread.message_count == 25


async def test_search_jumps_to_a_message(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        search_input = app.screen.query_one(Input)
        search_input.value = "expiry"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        selected = main(app).transcript.selected
        assert selected is not None and "expiry" in selected.content.lower()
        assert main(app).thread.title == LOGIN


async def test_keys_can_be_remapped_by_binding_id(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.set_keymap({"main.undo": "z"})
        thread_id = main(app).thread.id
        select(app, BRANCH_POINT)
        await pilot.press("r", "y")
        await settle(pilot)
        await pilot.press("z")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id != BRANCH_POINT


async def test_a_folder_instead_of_a_database_ends_with_a_message(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 1


async def test_a_keymap_in_the_config_file_changes_the_key(demo_db: Path, tmp_path: Path) -> None:
    """config.toml's [keymap] is applied with set_keymap: z undoes, u no longer does; a
    bad entry is a notification and the app runs on."""
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"main.undo" = "z"\n"main.nope" = "x"\n', encoding="utf-8")
    app = make_app(demo_db, config=config)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        start = main(app).thread.current_leaf_id
        select(app, BRANCH_POINT)
        await pilot.press("r", "y")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == BRANCH_POINT
        await pilot.press("u")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == BRANCH_POINT
        await pilot.press("z")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == start
        warnings = [str(n.message) for n in app._notifications if n.severity == "warning"]
        assert any("main.nope" in w for w in warnings)
