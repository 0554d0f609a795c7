"""Seed 004's assessment table, by hand: item names in the seed's order, deductions per instance,
an item scored 0, a serious case failing, and the annual township ranking."""
from kiosk.domain import assessment as calc
from kiosk.domain.return_visits import draw, sample_size, seed_of


def test_the_items_are_the_seeds_in_its_order_out_of_100():
    assert [(i.name, i.full) for i in calc.ITEMS] == [
        ("服务体系", 20), ("制度执行", 10), ("服务效能", 40), ("信息互动", 10), ("社会评价", 10), ("举报投诉", 10)]
    assert calc.FULL_MARKS == 100
    efficiency = calc.ITEM_BY_KEY["efficiency"]
    assert len(efficiency.deductions) == 6 and {d.points for d in efficiency.deductions} == {3}
    assert [d.points for d in calc.ITEM_BY_KEY["complaints"].deductions] == [2]
    assert [d.points for d in calc.ITEM_BY_KEY["information"].deductions] == [2, 5]
    assert [d.points for d in calc.ITEM_BY_KEY["system"].deductions] == [5, 2]


def test_deductions_per_instance_by_hand():
    findings = calc.Findings(
        counts={"staff_short": 1, "rules_incomplete": 2, "not_in_ledger": 2, "no_entrustment": 1, "delayed": 1,
                "info_not_reported": 1, "activity_missed": 1, "complaint": 3},
        visit_scores={5: 6, 4: 2, 3: 1, 2: 1})
    s = calc.score(findings)
    by = {l.item: l.score for l in s.lines}
    # 20-2; 10-4; 40-3*(2+1+1); 10-2-5; 10*8/10; 10-2*3
    assert by == {"服务体系": 18, "制度执行": 6, "服务效能": 28, "信息互动": 3, "社会评价": 8, "举报投诉": 4}
    assert s.total == 67 and s.complete and s.passed


def test_an_item_never_goes_below_zero_and_misconduct_scores_it_zero():
    s = calc.score(calc.Findings(counts={"complaint": 9, "activity_missed": 3}, zeroed=frozenset({"efficiency"}),
                                 visit_scores={5: 1}))
    by = {l.key: l.score for l in s.lines}
    assert by["complaints"] == 0 and by["information"] == 0 and by["efficiency"] == 0
    assert s.total == 20 + 10 + 0 + 0 + 10 + 0 and not s.passed


def test_a_serious_case_fails_whatever_the_score():
    s = calc.score(calc.Findings(visit_scores={5: 3}, serious=True))
    assert s.total == 100 and not s.passed


def test_no_return_visit_leaves_the_public_rating_unscored():
    s = calc.score(calc.Findings())
    assert s.lines[4].score is None and not s.complete and s.total == 90


def test_annual_scoring_sixty_forty_ranked_top_four_excellent_below_sixty_fails():
    def scored(total_deducted_points: int, serious=False):  # a hall losing points on 台账登记, its visits all satisfied
        return calc.score(calc.Findings(counts={"not_in_ledger": total_deducted_points // 3}, visit_scores={5: 5},
                                        serious=serious))
    town = {1: scored(0), 2: scored(30), 3: scored(9), 4: scored(15), 5: scored(3), 6: scored(39)}
    villages = {1: [scored(30), scored(0)], 2: [scored(0)], 3: [], 4: [scored(12)], 5: [scored(3, serious=True)],
                6: [scored(39)]}
    results = calc.rank([calc.annual(h, town[h], villages[h]) for h in town])
    got = {a.hall_id: (a.score, a.rank, a.grade) for a in results}
    # 1: 100×.6 + (70+100)/2×.4 = 94; 2: 70×.6+100×.4 = 82; 3: 91 (no village sampled);
    # 4: 85×.6 + 88×.4 = 86.2; 5: 97×.6+97×.4 = 97 but serious; 6: 61×.6+61×.4 = 61
    assert got == {5: (97.0, 1, "fail"), 1: (94.0, 2, "excellent"), 3: (91.0, 3, "excellent"),
                   4: (86.2, 4, "excellent"), 2: (82.0, 5, "pass"), 6: (61.0, 6, "pass")}
    weak = calc.score(calc.Findings(counts={"not_in_ledger": 15, "complaint": 3}, visit_scores={5: 5}))
    low = calc.rank([calc.annual(9, weak, [])])[0]  # 服务效能 stops at 0 (45 > 40), 举报投诉 10-6
    assert low.score == 54 and low.grade == "fail"


def test_samples_are_reproducible_from_their_seed():
    a = calc.sample_villages([7, 3, 9, 1, 5], 3, "t/2026")
    assert a == calc.sample_villages([1, 3, 5, 7, 9], 3, "t/2026") and len(a) == 3
    assert calc.sample_villages([1, 2], 3, "x") == [1, 2]
    pool = [("service", i) for i in range(200)] + [("case", i) for i in range(10)]
    first = draw(pool, sample_size(len(pool)), seed_of(1, "2026-11"))
    assert first == draw(list(reversed(pool)), sample_size(len(pool)), seed_of(1, "2026-11"))
    assert len(first) == 11 and first != draw(pool, 11, seed_of(2, "2026-11"))
    assert sample_size(0) == 0 and sample_size(3) == 3 and sample_size(40) == 5


def test_on_time_completion_counts_matters_not_tickets():
    from kiosk.domain.completion import completion

    # 8 help services done at the window, 4 cases completed (3 by their deadline), 1 still open past it
    got = completion(8, 4, 3, 1)
    assert got == {"completed": 12, "at_window": 8, "cases": 4, "on_time": 11, "open_late": 1,
                   "on_time_rate": round(11 / 13, 4)}
    assert completion(0, 0, 0)["on_time_rate"] is None
