"""The CPU slowdown Lighthouse runs with follows its own calibration table: a host as fast as
Lighthouse assumes keeps 4x, a slower or busy one gets proportionally less, never below 1x."""

from tests.browser.audits import cpu_slowdown, repeat_slowdown


def test_a_fast_host_keeps_lighthouses_slowdown():
    assert cpu_slowdown(2670) == 4
    assert cpu_slowdown(1500) == 4
    assert repeat_slowdown({"environment": {"benchmarkIndex": 2000}}) is None


def test_a_slow_host_gets_proportionally_less_never_below_one():
    assert cpu_slowdown(1125) == 3
    assert cpu_slowdown(750) == 2
    assert cpu_slowdown(100) == 1
    assert repeat_slowdown({"environment": {"benchmarkIndex": 750}}) == 2
