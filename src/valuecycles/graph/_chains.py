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


def _has_cycle(nodes: set[str], succ: dict[str, list[str]]) -> bool:
    """Whether the flows among these indicators loop (Kahn's algorithm)."""
    indegree = dict.fromkeys(nodes, 0)
    for node in nodes:
        for nxt in succ.get(node, ()):
            if nxt in indegree:
                indegree[nxt] += 1
    ready = [n for n, d in indegree.items() if d == 0]
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for nxt in succ.get(node, ()):
            if nxt in indegree:
                indegree[nxt] -= 1
                if indegree[nxt] == 0:
                    ready.append(nxt)
    return seen < len(nodes)


def _reaches(
    start: str,
    targets: set[str],
    avoid: set[str],
    links: int,
    succ: dict[str, list[str]],
    dist: dict[str, int],
) -> bool:
    """Whether a target is within ``links`` links of ``start`` by a path avoiding ``avoid``."""
    frontier = [start]
    seen = {start}
    for _ in range(links):
        following = []
        for node in frontier:
            for nxt in succ.get(node, ()):
                if nxt in seen or nxt in avoid or nxt not in dist:
                    continue
                if nxt in targets:
                    return True
                seen.add(nxt)
                following.append(nxt)
        if not following:
            return False
        frontier = following
    return False


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
    # Where flows loop, the distances above may count on an indicator already
    # on the path; then each step is checked exactly, so that no part of the
    # walk is a dead end and the work stays bounded by the chains found.
    loops = _has_cycle(set(dist), succ)

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
                if (
                    loops
                    and far
                    and not _reaches(nxt, targets, on_path, budget - len(path), succ, dist)
                ):
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
