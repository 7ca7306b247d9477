"""Hierarchies read from outside (an ontology's parents, a vocabulary's broader symptoms) must
have no cycles: a walk up one would never end. One check serves the ontology reader and the
vocabulary store."""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

Node = TypeVar("Node", bound=Hashable)


def on_a_cycle(
    parents: Mapping[Node, Sequence[Node]], starts: Iterable[Node] | None = None
) -> Node | None:
    """A node that is its own ancestor, if any is above ``starts`` (by default every node):
    a hierarchy with one would make every walk up endless. Each node is walked once."""
    finished: set[Node] = set()
    for start in parents if starts is None else starts:
        on_path: set[Node] = set()
        stack: list[tuple[Node, int]] = [(start, 0)]
        while stack:
            node, next_parent = stack.pop()
            if next_parent == 0:
                if node in finished:
                    continue
                if node in on_path:
                    return node
                on_path.add(node)
            above = parents.get(node, ())
            if next_parent < len(above):
                stack.append((node, next_parent + 1))
                stack.append((above[next_parent], 0))
            else:
                on_path.discard(node)
                finished.add(node)
    return None
