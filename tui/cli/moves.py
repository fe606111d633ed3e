"""Commands that change a thread: fork, rewind, checkpoint, switch, rename, delete, restore, undo."""

from __future__ import annotations

import argparse
import asyncio
import sys

from store import NotFound, Store, Thread

from .output import describe_thread, dump, plural, short


async def _print_thread(store: Store, args: argparse.Namespace, thread: Thread) -> str:
    return dump(thread) if args.json else describe_thread(thread)


async def cmd_fork(store: Store, args: argparse.Namespace) -> str:
    message = await store.fork(args.message, args.role, args.content)
    return await _print_thread(store, args, await store.get_thread(message.thread_id))


async def cmd_rewind(store: Store, args: argparse.Namespace) -> str:
    return await _print_thread(store, args, await store.rewind(args.thread, to=args.to, by=args.by))


async def cmd_checkpoint(store: Store, args: argparse.Namespace) -> str:
    from store.errors import InvalidOperation

    if not args.force:
        try:
            existing = await store.get_checkpoint(args.thread, args.name)
        except NotFound:
            existing = None
        if existing is not None:
            raise InvalidOperation(
                f"Thread {args.thread} already has a checkpoint {short(existing.name, 40)!r} (at message"
                f" {existing.message_id}); add --force to replace it."
            )
    await store.save_checkpoint(args.thread, args.name, message_id=args.message)
    return await _print_thread(store, args, await store.get_thread(args.thread))


async def cmd_switch(store: Store, args: argparse.Namespace) -> str:
    return await _print_thread(store, args, await store.set_leaf(args.thread, args.message))


async def cmd_rename(store: Store, args: argparse.Namespace) -> str:
    return await _print_thread(store, args, await store.rename_thread(args.thread, args.title))


async def cmd_delete(store: Store, args: argparse.Namespace) -> str:
    from store.errors import InvalidOperation

    thread = await store.get_thread(args.thread)
    what = f"thread {thread.id} ({short(thread.title, 50) or 'Untitled'}, {plural(thread.message_count, 'message')})"
    if not args.yes:
        if not (sys.stdin.isatty() and sys.stderr.isatty()):
            raise InvalidOperation(f"Not deleting {what} without a confirmation: add --yes.")
        sys.stderr.write(f"Delete {what}? This cannot be undone. [y/N] ")
        sys.stderr.flush()
        answer = await asyncio.to_thread(sys.stdin.readline)
        if answer.strip().lower() not in ("y", "yes"):
            args.exit_code = 1
            return "Nothing deleted."
    await store.delete_thread(thread.id)
    return f"Deleted {what}."


async def cmd_restore(store: Store, args: argparse.Namespace) -> str:
    return await _print_thread(store, args, await store.restore_checkpoint(args.thread, args.name))


async def cmd_undo(store: Store, args: argparse.Namespace) -> str:
    return await _print_thread(store, args, await store.undo(args.thread))
