"""An order of a listing kept as positions in it, with its thread depths (4 bytes each a message).

The Maildir header cache, the mbox index and the IMAP header cache store the orders they
computed this way, keyed by the listing's digest, so showing an order again is a lookup;
the backends may not import each other, so the encoding they share is here.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping, Sequence


def encode(
    listing: Sequence[str], keys: Sequence[str], depths: Mapping[str, int]
) -> tuple[bytes, bytes] | None:
    """(positions, depths) of `keys` as an order of `listing`, as bytes; None when `keys` is
    not a permutation of the listing (a key missing, unknown or twice: never stored)."""
    if len(keys) != len(listing):
        return None
    position = {key: i for i, key in enumerate(listing)}
    try:
        positions = array("I", [position[k] for k in keys])
    except KeyError:
        return None
    if len(set(positions)) != len(positions):
        return None
    depth_of = depths.get
    return positions.tobytes(), array("I", [depth_of(k, 0) for k in keys]).tobytes()


def decode(found: tuple[bytes, bytes], count: int) -> tuple[array[int], array[int]] | None:
    """(positions, depths) stored for a listing of `count` messages; None when they are not
    an order of such a listing after all (damaged, or another listing's)."""
    positions, levels = array("I"), array("I")
    try:
        positions.frombytes(found[0])
        levels.frombytes(found[1])
    except ValueError:
        return None
    if len(positions) != count or len(levels) != count or (count and max(positions) >= count):
        return None
    return positions, levels


def depths_of(key_at: Callable[[int], str], positions: array[int], levels: array[int]) -> dict[str, int]:
    """key -> depth of the threaded messages (`key_at(position)` names the listing's key);
    a sort has none (one C count, not a loop over 100k)."""
    if levels.count(0) == len(levels):
        return {}
    return {key_at(i): d for i, d in zip(positions, levels, strict=True) if d}
