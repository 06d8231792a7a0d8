"""Map points that would hide each other, moved apart onto a small ring around their centre (in screen pixels)."""
from __future__ import annotations

import math


def spread(points: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """The points (x, y in pixels) with every group closer than `gap` to one another laid out on a ring
    around the group's centre, neighbours `gap` apart, so each one can be seen and clicked; the others
    stay where they are. The order round the ring follows the points' bearing from the centre (then
    their order in the list), so the same data always gives the same picture."""
    n = len(points)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if math.dist(points[i], points[j]) < gap:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    out = list(points)
    for members in groups.values():
        if len(members) < 2:
            continue
        cx = sum(points[i][0] for i in members) / len(members)
        cy = sum(points[i][1] for i in members) / len(members)
        radius = gap / (2 * math.sin(math.pi / len(members)))  # chord between neighbours = gap
        ordered = sorted(members, key=lambda i: (round(math.atan2(points[i][1] - cy, points[i][0] - cx), 6), i))
        for k, i in enumerate(ordered):
            angle = -math.pi / 2 + 2 * math.pi * k / len(members)
            out[i] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return out
