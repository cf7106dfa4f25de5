"""Value chains: paths of ``flows`` links, found by a bounded, deterministic walk."""

from __future__ import annotations

from collections import deque
from itertools import pairwise
from typing import TYPE_CHECKING

from valuecycles.graph._results import Chain, ChainLink, Chains

if TYPE_CHECKING:
    from valuecycles.graph._graph import ValueGraph

__all__ = ["find_chains"]


def _distances(targets: set[str], pred: dict[str, list[str]]) -> dict[str, int]:
    """The fewest links from each indicator to any target (targets at 0)."""
    dist = dict.fromkeys(targets, 0)
    queue = deque(targets)
    while queue:
        node = queue.popleft()
        step = dist[node] + 1
        for before in pred.get(node, ()):
            if before not in dist:
                dist[before] = step
                queue.append(before)
    return dist


def find_chains(
    vg: ValueGraph,
    from_cycle: str,
    to_cycle: str,
    *,
    cutoff: int | None = None,
    limit: int = 1000,
) -> Chains:
    """Chains from ``from_cycle`` to ``to_cycle``; see :meth:`ValueGraph.chains`."""
    fw = vg.framework
    start_key = fw.cycle(from_cycle).key
    end_key = fw.cycle(to_cycle).key
    if cutoff is not None and (isinstance(cutoff, bool) or cutoff < 1):
        raise ValueError(f"cutoff must be a whole number of links, at least 1, not {cutoff!r}")
    if isinstance(limit, bool) or limit < 0:
        raise ValueError(f"limit must be a whole number, at least 0, not {limit!r}")

    succ, pred = vg._flow_adjacency()
    cycle_of = vg._indicator_cycle
    starts = sorted(i for i, c in cycle_of.items() if c == start_key)
    targets = {i for i, c in cycle_of.items() if c == end_key}
    dist = _distances(targets, pred)
    budget = cutoff if cutoff is not None else len(cycle_of)

    found: list[tuple[str, ...]] = []
    truncated = False
    for start in starts:
        if start not in dist or truncated:
            continue
        path = [start]
        on_path = {start}
        stack = [iter(succ.get(start, ()))]
        while stack:
            for nxt in stack[-1]:
                if nxt in on_path:
                    continue
                far = dist.get(nxt)
                # len(path) is the number of links once nxt is added.
                if far is None or len(path) + far > budget:
                    continue
                path.append(nxt)
                if nxt in targets:
                    if len(found) == limit:
                        truncated = True
                        break
                    found.append(tuple(path))
                if len(path) - 1 < budget:
                    on_path.add(nxt)
                    stack.append(iter(succ.get(nxt, ())))
                else:
                    path.pop()
                break
            else:
                stack.pop()
                on_path.discard(path.pop())
                continue
            if truncated:
                break

    links: dict[tuple[str, str], ChainLink] = {}
    chains = [Chain(p, [vg._link(a, b, links) for a, b in pairwise(p)]) for p in found]
    chains.sort(key=lambda c: (-c.weakest, -c.support, c.indicators))
    return Chains(start_key, end_key, chains, truncated)
