"""Value chains: paths of ``flows`` links, found by a bounded, deterministic walk."""

from __future__ import annotations

from collections import deque
from itertools import pairwise
from typing import TYPE_CHECKING

from valuecycles.graph._results import Chain, ChainLink, Chains

if TYPE_CHECKING:
    from valuecycles.graph._graph import ValueGraph

__all__ = ["DEFAULT_CUTOFF", "find_chains"]

#: The most links a chain has unless ``cutoff`` says otherwise: enough to
#: cross every cycle of the guide with a step or two inside some, never the
#: hundreds of links a chain wandering through loops could have.
DEFAULT_CUTOFF = 12


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


def _probe(
    start: str,
    far: int,
    avoid: set[str],
    succ: dict[str, list[str]],
    dist: dict[str, int],
) -> bool:
    """Whether a shortest route from ``start`` to a target avoids ``avoid``, found greedily.

    Each step takes the first successor one link nearer a target that is
    not avoided; the route is simple because each step is nearer. Cheap
    (the links looked at on one route), and usually enough: only when it
    fails is the exact search of :func:`_reaches` needed.
    """
    node = start
    while far > 0:
        for nxt in succ.get(node, ()):
            if dist.get(nxt) == far - 1 and nxt not in avoid:
                break
        else:
            return False
        node = nxt
        far -= 1
    return True


def _reaches(
    start: str,
    targets: set[str],
    avoid: set[str],
    links: int,
    succ: dict[str, list[str]],
    dist: dict[str, int],
) -> bool:
    """Whether a target is within ``links`` links of ``start`` by a path avoiding ``avoid``."""
    if _probe(start, dist[start], avoid, succ, dist):
        return True
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
    """Chains from ``from_cycle`` to ``to_cycle``; see :meth:`ValueGraph.chains`.

    ``cutoff=None`` is :data:`DEFAULT_CUTOFF` (12) links. Each step of the
    walk enters only an indicator from which a target can still be reached
    within the cutoff by a path off the chain so far; a greedy probe along
    the shortest routes answers that in the links of one route, and only
    when it fails does an exact search run. So the work is bounded by the
    chains returned times the cutoff and the links looked at, never by the
    loops or dead ends the walk avoids.
    """
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
    budget = cutoff if cutoff is not None else DEFAULT_CUTOFF
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
