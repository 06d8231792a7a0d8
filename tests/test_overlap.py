"""Overlapping map points are laid out on a ring, far enough apart to see each one."""
from __future__ import annotations

import math

from pipelines.views import overlap


def test_points_on_the_same_spot_are_spread_a_gap_apart():
    out = overlap.spread([(100.0, 100.0), (100.0, 100.0), (300.0, 50.0)], gap=20)
    assert out[2] == (300.0, 50.0)
    assert [round(v, 6) for v in out[0] + out[1]] == [100.0, 90.0, 100.0, 110.0]
    assert round(math.dist(out[0], out[1]), 6) == 20


def test_three_close_points_form_a_triangle_with_gap_sides():
    out = overlap.spread([(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)], gap=10)
    sides = sorted(round(math.dist(out[i], out[j]), 6) for i, j in ((0, 1), (1, 2), (0, 2)))
    assert sides == [10, 10, 10]


def test_points_far_apart_do_not_move():
    points = [(0.0, 0.0), (50.0, 0.0)]
    assert overlap.spread(points, gap=20) == points
