"""`part_worker`: Textual's `@work(thread=True, exit_on_error=False)` for a part of a screen.

The browser's parts (its jobs, ordering and bulk actions) are plain objects, not DOM
nodes, so Textual's decorator cannot start their workers. This one starts the method on
a thread worker of the part's `screen`: the worker belongs to the screen (closing it
cancels them, `cancel_group(screen, group)` and the screen's busy indicator see them),
with the same group, exclusivity and error handling as `@work` would give.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

P = ParamSpec("P")


class OnScreen(Protocol):
    """A part of a screen: its workers run on that screen."""

    @property
    def screen(self) -> DOMNode: ...


PartT = TypeVar("PartT", bound=OnScreen)


def part_worker(
    *, group: str, exclusive: bool = False
) -> Callable[[Callable[Concatenate[PartT, P], None]], Callable[Concatenate[PartT, P], Worker[None]]]:
    """Run the decorated method of a part on a thread worker of `part.screen`.

    A failure is reported as the worker's error (the screen's `on_worker_state_changed`
    shows it), never exits the app.
    """

    def decorator(
        method: Callable[Concatenate[PartT, P], None],
    ) -> Callable[Concatenate[PartT, P], Worker[None]]:
        @wraps(method)
        def start(part: PartT, /, *args: P.args, **kwargs: P.kwargs) -> Worker[None]:
            return part.screen.run_worker(
                partial(method, part, *args, **kwargs),
                name=method.__name__,
                group=group,
                description=method.__name__,
                exclusive=exclusive,
                exit_on_error=False,
                thread=True,
            )

        return start

    return decorator
