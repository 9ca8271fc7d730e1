"""The long-lived objects are left out of the cyclic collector's passes, and given back."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from reminder_service.long_lived import long_lived_left_alone, settle


class Node:
    """An object the collector tracks, which can be part of a cycle."""

    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture(autouse=True)
def given_back() -> Iterator[None]:
    """Every test leaves the collector as it found it."""
    yield
    gc.unfreeze()


def seen_by_collector(target: object) -> bool:
    """Whether the cyclic collector looks at `target` in its passes."""
    return any(candidate is target for candidate in gc.get_objects())


def test_objects_alive_at_settling_are_left_out_of_collections() -> None:
    node = Node()
    assert seen_by_collector(node)

    settle()

    assert not seen_by_collector(node)
    assert gc.get_freeze_count() > 0


def test_a_cycle_among_the_settled_objects_is_freed_at_the_next_settling() -> None:
    """Garbage that forms among the objects left out waits only until the next reload."""
    first, second = Node(), Node()
    first.other, second.other = second, first
    alive = weakref.ref(first)
    settle()
    del first, second

    gc.collect()
    left_out_meanwhile = alive() is not None
    settle()

    assert left_out_meanwhile
    assert alive() is None


def test_every_object_is_given_back_when_the_block_ends() -> None:
    node = Node()

    with long_lived_left_alone():
        during = seen_by_collector(node)

    assert not during
    assert seen_by_collector(node)
    assert gc.get_freeze_count() == 0
