"""Nested outlines: a table, photo or lit part inside a page gives way to the page itself."""

import numpy as np

from devices.camera.nesting import contains, parallel, prefer_enclosing, same_paper


def rect(x0, y0, x1, y1):
    return np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


PAGE = rect(100, 50, 300, 330)
TABLE = rect(130, 120, 270, 300)  # a form's table: inside, sides parallel to the page's


def test_a_quad_inside_another_is_contained_and_not_the_reverse():
    inside = contains(np.stack([PAGE, TABLE]), np.stack([PAGE, TABLE]))
    assert inside[0, 1] and not inside[1, 0]


def test_a_page_merged_with_a_hand_is_not_parallel_to_the_page():
    hand_hull = PAGE.copy()
    hand_hull[2] = (360, 380)  # a corner pulled out to the fingertips tilts two sides
    shadow_cut = rect(100, 50, 300, 200)
    shadow_cut[2, 1] = 230  # the lit part ends at a slanted shadow edge: one side tilts
    hand_ok, cut_ok, table_ok = parallel(np.stack([hand_hull, shadow_cut, TABLE]), PAGE)
    assert not hand_ok
    assert cut_ok and table_ok


def test_the_enclosing_page_wins_over_a_stronger_table():
    order = prefer_enclosing(np.stack([TABLE, PAGE]), np.array([0.8, 0.5]))
    assert order[0] == 1


def test_a_weak_enclosing_quad_does_not_win():
    order = prefer_enclosing(np.stack([TABLE, PAGE]), np.array([0.8, 0.3]))
    assert order[0] == 0


def test_shaded_paper_counts_as_paper_and_a_hand_does_not():
    colour = np.zeros((400, 400, 3), np.float32)
    colour[:] = (200, 128, 128)  # white paper in YCrCb
    lit = rect(100, 50, 300, 200)
    colour[200:330, 100:300] = (120, 128, 128)  # the page's lower part in shadow: darker, same chroma
    assert same_paper(colour, PAGE, lit)
    colour[200:330, 100:300] = (150, 150, 110)  # a hand: other chroma
    assert not same_paper(colour, PAGE, lit)
