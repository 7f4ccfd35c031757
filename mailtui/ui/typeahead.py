"""Typeahead: keys typed together go, each in its turn, to the screen on top after the keys before them.

Keys typed together (a paste, a burst over a laggy SSH link) must each go to the screen
that is on top once the keys before them have been handled: `Enter q` opens the message
and then closes it; it does not quit the app because the pager was not pushed yet when `q`
arrived. Textual hands every key to the focused widget's queue and goes on with the next
key at once, while what the first key does (a message that bubbles to the screen, which
pushes the pager, which mounts and takes the focus through a callback on the app's queue)
happens on other queues later; and a key no widget takes bubbles back to the app's queue,
where the bindings are checked, behind the keys typed after it. So after forwarding a key
the app waits, before it reads the next one, until those queues are passed, a screen
pushed meanwhile is mounted and the app's callbacks have run, bounded by
`KEY_SETTLE_SECONDS` so that input never freezes.

Uses Textual internals (a message pump's `_message_queue`, `_dispatch_message`,
`_mounted_event`); tests/ui/test_typeahead.py sends bursts as the driver does and fails
if any of that changes under it.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.screen import Screen


class TypeaheadMixin(App[int]):
    """Mixed into the app before `App`: its `on_event` serializes key handling."""

    # The longest the app waits for one key's consequences before it reads the next.
    KEY_SETTLE_SECONDS: ClassVar[float] = 1.0

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        target = self.focused or self.screen
        screen = self.screen
        await super().on_event(event)  # priority bindings, else to the focused widget
        try:
            await asyncio.wait_for(self._settle_after_key(target, screen), self.KEY_SETTLE_SECONDS)
            # No widget took the key: it bubbled back to this queue, where the bindings of
            # the focus chain are checked (App._on_key), behind the keys typed after it.
            # Handled now, in its turn.
            if self._take_queued(event):
                target, screen = self.focused or self.screen, self.screen
                await self._dispatch_message(event)
                await asyncio.wait_for(self._settle_after_key(target, screen), self.KEY_SETTLE_SECONDS)
        except TimeoutError:
            pass  # a handler that takes long: the next key goes where the focus is now

    async def _run_queued_callbacks(self) -> bool:
        """Run the callbacks waiting in this app's queue, in order (False: there were none).

        One at a time, each shielded: when the key's wait times out, the callback running
        goes on and the ones not taken yet stay in the queue for the app's own loop."""
        queue: Any = self._message_queue
        ran = False
        while True:
            callback = next((m for m in queue.values if isinstance(m, events.Callback)), None)
            if callback is None:
                return ran
            queue.values.remove(callback)
            if not queue.values:
                queue.ready_event.clear()
            await asyncio.shield(self._dispatch_message(callback))
            ran = True

    def _take_queued(self, event: events.Key) -> bool:
        """Take `event` out of this app's message queue (False: it is not there)."""
        queue: Any = self._message_queue  # textual._queue.Queue: a deque and a ready event
        for i, queued in enumerate(queue.values):
            if queued is event:
                del queue.values[i]
                if not queue.values:
                    queue.ready_event.clear()
                return True
        return False

    async def _settle_after_key(self, target: MessagePump, screen: Screen[object]) -> None:
        """Until the key's target, everything between it and its screen, and a screen pushed
        or popped meanwhile, have handled what they were given (each queue is passed once by a
        callback posted to its end: what ran before it is done)."""
        for _ in range(8):  # bounded: a screen that keeps posting to itself does not hold keys
            pumps = _chain(target, self)
            top = self.screen
            if top is not screen:
                await top._mounted_event.wait()
                pumps += _chain(self.focused or top, self)
            for pump in pumps:  # innermost first, as messages bubble up
                # A widget of a screen the key dismissed (a dialog's Input after Enter) is
                # closing: its queue is not read any more.
                if pump.is_running and pump.is_attached and not (pump._closing or pump._closed):
                    await _passed(pump)
            # Focus changes and call_later callbacks go through this app's queue, behind the
            # keys typed ahead: run them now, in their order (Widget.focus is one).
            ran = await self._run_queued_callbacks()
            if not ran and self.screen is top and not any(p._message_queue.qsize() for p in pumps):
                return
            target, screen = self.focused or self.screen, top


async def _passed(pump: MessagePump) -> None:
    """Once what is in `pump`'s queue now has been handled."""
    done = asyncio.get_running_loop().create_future()
    pump.call_later(lambda: None if done.done() else done.set_result(None))
    await done


def _chain(widget: MessagePump, app: App[int]) -> list[MessagePump]:
    """`widget` and its ancestors up to (not including) the app."""
    chain: list[MessagePump] = []
    node: MessagePump | None = widget
    while node is not None and node is not app:
        chain.append(node)
        node = node._parent
    return chain
