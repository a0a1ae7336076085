"""The async engine's request slots: a taken slot is a plain call, a released one goes
to the longest waiter, and a waiter cancelled at any point neither keeps nor loses one."""

from __future__ import annotations

import asyncio

from citecheck.fetch.async_engine import _Slots


async def _holder(slots: _Slots, started: list[str], name: str, release: asyncio.Event) -> None:
    if not slots.take_now():
        await slots.take()
    started.append(name)
    try:
        await release.wait()
    finally:
        slots.give()


def test_slots_bound_the_holders_and_serve_waiters_in_order() -> None:
    async def scenario() -> list[list[str]]:
        slots = _Slots(2)
        release = asyncio.Event()
        started: list[str] = []
        tasks = [asyncio.ensure_future(_holder(slots, started, n, release)) for n in "abcde"]
        await asyncio.sleep(0.01)
        seen = [list(started)]
        release.set()
        await asyncio.gather(*tasks)
        seen.append(list(started))
        seen.append(["free" if slots.take_now() and slots.take_now() else "taken"])
        return seen

    first, last, free = asyncio.run(scenario())
    assert first == ["a", "b"]  # two slots, two holders
    assert last == ["a", "b", "c", "d", "e"]  # the waiters in the order they came
    assert free == ["free"]  # every slot back once all are done


def test_a_cancelled_waiter_neither_keeps_nor_loses_a_slot() -> None:
    async def scenario() -> tuple[bool, bool, bool]:
        slots = _Slots(1)
        assert slots.take_now()
        gone = asyncio.ensure_future(slots.take())  # cancelled while it waits
        handed = asyncio.ensure_future(slots.take())  # cancelled just after it is served
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.sleep(0)
        slots.give()  # skips the cancelled waiter: `handed` is served...
        handed.cancel()  # ...and cancelled before it runs: it must pass the slot on
        await asyncio.gather(gone, handed, return_exceptions=True)
        free_once = slots.take_now()
        free_twice = slots.take_now()
        return gone.cancelled() and handed.cancelled(), free_once, free_twice

    both_cancelled, free_once, free_twice = asyncio.run(scenario())
    assert both_cancelled
    assert free_once and not free_twice  # exactly the one slot is free again
