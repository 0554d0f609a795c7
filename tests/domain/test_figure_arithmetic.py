from kiosk.domain.figures import Durations, percentile_from_histogram, satisfaction


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
