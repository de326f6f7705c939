"""SPEC section 4's options: a product's runs against its write-off, like the sensitivity
report a solver gives beside its answer.

Among the write-offs W that settle, runs never increase as W grows, so a product's choices
form a staircase. For each run count k from the fewest up to the guide's (or the chosen
adjustment's, when that needs more), W_k is the smallest W in range that settles within k
runs; the options are the distinct W_k. The seed's net-zero list `+2 +4 +4 -10 +3 -3`
(W from 0 to 13):

    W      1   2 ..  3   4   5   6 ..  7 .. 12   13
    runs  14   8     6   5   4   3           2

Its fewest runs are 2 (W 13), the guide's `+10 / -10` takes 3, so its options are W 13 in
2 runs and W 7 in 3 runs: the guide's run count for a smaller entry.

Finding them costs no simulation per grid step. Runs are counted from totals
(`counting`), and each option leads to the next: the grid step below option W needs r
more runs, and the next option is the smallest W settling within r runs, found by
bisection. A product keeps at most `LIMIT` options: the fewest, the guide's run count,
the chosen one's, and then the steps that save the most entry (the W an option saves
against the one with a run fewer; ties: fewer runs first). Those are found best-first: a
gap between two known options hides no saving wider than itself, so gaps are opened
widest first, and the search stops once the savings kept are certain. A usage of
1,000,000 against 999,999 has 1,999 options between 2 and 1,000,000 runs; keeping its 12
opens 109 gaps (13 ms here; finding all 1,999 takes 41 ms).
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Iterable, NamedTuple

from .counting import Count, settles_within

if TYPE_CHECKING:
    from .rules import Grid

LIMIT = 12


class Step(NamedTuple):
    """An option on the grid: W as steps above the range's low end, and its runs."""

    steps: int
    loops: int


class Staircase:
    """A product's runs against W in grid steps, each W_k found once."""

    def __init__(self, grid: "Grid", most: int, known: dict[int, Step]):
        self.grid, self.most = grid, most
        self.found = dict(known)  # runs k -> W_k

    def count(self, steps: int) -> Count:
        return self.grid.count(steps)

    def smallest_within(self, runs: int, settling: int, bottom: int = 0) -> Step:
        """W_runs: the smallest W settling within `runs` runs, given that `settling`
        steps does and `bottom` steps is no more than it."""
        if runs not in self.found:
            steps = self.grid.smallest(settles_within(runs), bottom, settling)
            self.found[runs] = Step(steps, self.count(steps).loops)
        return self.found[runs]

    def below(self, option: Step, floor: Step) -> Step | None:
        """The option with the next more runs, knowing `floor` is an option below this one;
        None past the staircase's end."""
        if option.steps == 0:
            return None
        count = self.count(option.steps - 1)
        if not count.settled or count.loops > self.most:
            return None
        return self.smallest_within(count.loops, option.steps - 1, floor.steps)


def staircase(grid: "Grid", runs: dict[int, int], known: Iterable[Step] = (), limit: int = LIMIT) -> list[Step]:
    """The options of a product whose range is `grid`, fewest runs first: the W_k for every
    k from the fewest runs up to the most of `runs` (the guide's, the chosen one's), at
    most `limit` of them, always those of the fewest runs and of each of `runs`.
    `runs` maps each run count to a W (in steps) that settles within it, where the search
    for W_k can start; `known` are options already found. Empty when nothing settles."""
    fewest = grid.count(grid.top)
    if not fewest.settled:
        return []
    kept_runs = {fewest.loops: grid.top, **runs}  # the bounds given are the tighter
    stairs = Staircase(grid, max(kept_runs), {step.loops: step for step in known})
    kept = {stairs.smallest_within(k, settling) for k, settling in kept_runs.items()}
    return sorted(kept | _most_saving(stairs, kept, limit - len(kept)), key=lambda step: step.loops)


def _most_saving(stairs: Staircase, kept: set[Step], wanted: int) -> set[Step]:
    """Up to `wanted` options between those `kept`, the largest savings first.

    The heap holds gaps between known options (key: the gap's width, the most any option
    inside can save) and options whose saving is known (key: the saving); at equal keys
    gaps are opened first, so an option leaves the heap only when nothing left can beat it."""
    GAP, OPTION = 0, 1
    edges = sorted(kept, reverse=True)
    heap = [(b.steps - a.steps, GAP, -a.steps, a, b) for a, b in zip(edges, edges[1:])]
    heapq.heapify(heap)
    found: set[Step] = set()
    while heap and len(found) < wanted:
        _, kind, _, upper, lower = heapq.heappop(heap)
        if kind == OPTION:
            found.add(upper)
            continue
        inside = stairs.below(upper, lower)
        if inside is None or inside == lower:
            continue
        heapq.heappush(heap, (inside.steps - upper.steps, OPTION, -inside.steps, inside, None))
        heapq.heappush(heap, (lower.steps - inside.steps, GAP, -inside.steps, inside, lower))
    return found


def smallest_at(grid: "Grid", known: list[Step], runs: Iterable[int]) -> list[tuple[int, int]]:
    """(k, W_k in steps) for each k in `runs` that the range reaches: the smallest W
    settling within k runs, starting from the options `known` (any W_k settles within k,
    and W_k never grows as k does). Each W_k costs at most one bisection between two
    known bounds."""
    wanted = sorted(runs, reverse=True)
    fewest = grid.count(grid.top)
    if not wanted or not fewest.settled:
        return []
    stairs = Staircase(grid, wanted[0], {step.loops: step for step in known})
    found, bottom = [], 0
    for k in wanted:  # most runs first: W_k only grows from here
        if k < fewest.loops:
            break
        settling = min((step.steps for step in known if step.loops <= k), default=grid.top)
        step = stairs.smallest_within(k, settling, bottom)
        found.append((k, step.steps))
        bottom = step.steps
    return found[::-1]
