"""Worker processes for the concurrency and crash tests (run as a script, never imported by pytest).

    python store_workers.py append DB THREAD_ID NAME COUNT     # wait for "go" on stdin, append COUNT
    python store_workers.py forever DB THREAD_ID SEED MODE     # append (and more) until killed
    python store_workers.py open DB 0 NAME                      # wait for "go", open (migrate), add a thread

Each acknowledged write is printed as "<message id> <token>" only after the awaited call
returned, i.e. after its transaction committed.
"""

from __future__ import annotations

import asyncio
import random
import sys

from store import InvalidOperation, Store


def ack(message_id: int, token: str) -> None:
    sys.stdout.write(f"{message_id} {token}\n")
    sys.stdout.flush()


async def append_on_signal(path: str, thread_id: int, name: str, count: int) -> None:
    async with Store.open(path) as store:
        print("ready", flush=True)
        if sys.stdin.readline().strip() != "go":
            raise SystemExit("no go signal")
        for n in range(count):
            role = "user" if n % 2 == 0 else "assistant"
            token = f"{name}-{n}"
            message = await store.append(thread_id, role, f"{token} from a concurrent writer")
            ack(message.id, token)


async def write_forever(path: str, thread_id: int, seed: int, mode: str) -> None:
    rnd = random.Random(seed)
    async with Store.open(path) as store:
        print("ready", flush=True)
        n = 0
        while True:
            n += 1
            token = f"s{seed}-{n}"
            # Sizes from a line to several pages, so kills land in WAL growth and checkpoints too.
            content = token + " " + "lorem ipsum " * rnd.choice([1, 20, 400, 3000])
            message = await store.append(thread_id, rnd.choice(["user", "assistant"]), content)
            ack(message.id, token)
            if mode != "mixed":
                continue
            try:
                choice = rnd.randrange(6)
                if choice == 0:
                    await store.fork(message.id, "assistant", f"fork of {token}")
                elif choice == 1:
                    await store.save_checkpoint(thread_id, f"cp{rnd.randrange(3)}")
                elif choice == 2:
                    await store.rewind(thread_id, by=1)
                elif choice == 3:
                    await store.undo(thread_id)
                elif choice == 4:
                    await store.update_thread(thread_id, title=f"title {n}")
                else:
                    leaves = await store.leaves(thread_id)
                    await store.set_leaf(thread_id, leaves[rnd.randrange(len(leaves))].id)
            except InvalidOperation:
                pass


async def open_on_signal(path: str, name: str) -> None:
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("no go signal")
    async with Store.open(path) as store:
        thread = await store.create_thread(name)
        message = await store.append(thread.id, "user", f"hello from {name}")
        ack(message.id, name)


def main() -> None:
    command, path, thread_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if command == "append":
        asyncio.run(append_on_signal(path, thread_id, sys.argv[4], int(sys.argv[5])))
    elif command == "forever":
        asyncio.run(write_forever(path, thread_id, int(sys.argv[4]), sys.argv[5]))
    elif command == "open":
        asyncio.run(open_on_signal(path, sys.argv[4]))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
