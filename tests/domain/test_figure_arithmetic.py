from kiosk.domain.figures import Durations, assessment, percentile_from_histogram, satisfaction, total_score


def test_p90_from_a_per_minute_histogram():
    # 10 waits: nine under a minute, one of 7 minutes
    assert percentile_from_histogram({0: 9, 7: 1}, 0.9) == 1
    assert percentile_from_histogram({0: 8, 7: 2}, 0.9) == 8
    assert percentile_from_histogram({}, 0.9) is None


def test_mean_in_minutes():
    assert Durations.of(4, 4 * 150.0, {2: 4}) == Durations(4, 2.5, 3)


def test_satisfaction_counts_very_satisfied_and_satisfied_only():
    got = satisfaction({5: 17, 4: 2, 3: 1})
    assert got["rate"] == 0.95 and got["meets_target"]
    assert satisfaction({})["rate"] is None


def test_assessment_scores_what_records_show_and_leaves_the_rest_manual():
    lines = assessment(services=100, rated=50, satisfied_rate=0.95, cases_closed=10, cases_on_time=9)
    scored = {l["item"]: l["score"] for l in lines}
    assert scored["办理效率"] == 36.0 and scored["群众评价"] == 5.0 and scored["投诉处理"] == 10.0
    total = total_score(lines)
    assert total == {"scored": 51.0, "of": 60, "manual_items": ["服务体系建设", "制度执行", "信息互通"]}
