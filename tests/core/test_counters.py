"""Rates counted as a sliding window: the allowance holds across a window's edge; a cache outage lets requests by."""

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from core import counters
from core.counters import rate_check


def _requests(times: list[float], *, key: str = "rate:test", limit: int = 3) -> list[bool]:
    return [rate_check(key, limit=limit, period=60, now=t).allowed for t in times]


def test_no_more_than_the_limit_passes_within_a_period():
    assert _requests([600.0, 601.0, 602.0, 603.0, 630.0]) == [True, True, True, False, False]


def test_the_edge_of_a_window_does_not_hand_out_a_fresh_allowance():
    # Three requests late in one window; a fixed window would let three more through just after its edge.
    assert _requests([650.0, 655.0, 659.0, 661.0, 662.0]) == [True, True, True, False, False]


def test_the_refusal_says_when_to_come_back_and_a_quiet_period_restores_the_allowance():
    for t in (650.0, 655.0, 659.0):
        rate_check("rate:wait", limit=3, period=60, now=t)
    refused = rate_check("rate:wait", limit=3, period=60, now=665.0)
    assert not refused.allowed
    assert 0 < refused.retry_after <= 60
    assert _requests([790.0, 791.0, 792.0], key="rate:wait") == [True, True, True]  # two windows on


def test_each_key_has_its_own_allowance():
    assert _requests([600.0] * 4, key="rate:a") == [True, True, True, False]
    assert _requests([600.0], key="rate:b") == [True]


def test_a_cache_that_cannot_be_reached_lets_the_request_through(monkeypatch):
    def down(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(counters, "_window_counts", down)
    assert _requests([600.0] * 5) == [True] * 5


@pytest.mark.services
def test_on_redis_a_count_is_one_round_trip(redis_round_trips):
    assert rate_check("rate:trip", limit=3, period=60, now=600.0).allowed
    assert len(redis_round_trips) == 1


@pytest.mark.services
def test_a_redis_that_forgot_the_script_is_sent_it_again():
    from django_redis import get_redis_connection

    assert rate_check("rate:flush", limit=1, period=60, now=600.0).allowed
    get_redis_connection("default").script_flush()  # as after a restart
    assert not rate_check("rate:flush", limit=1, period=60, now=601.0).allowed  # counted: the second of one


def test_within_a_tenth_of_a_second_a_process_counts_alone_and_tells_the_shared_count_next_time(monkeypatch):
    from core import counters

    sent = []
    shared_add = counters._shared_add

    def counted(*args, **kwargs):
        sent.append(kwargs["current"])
        return shared_add(*args, **kwargs)

    monkeypatch.setattr(counters, "_shared_add", counted)
    assert _requests([600.0, 600.01, 600.02, 600.03], key="rate:burst", limit=10) == [True] * 4
    assert sent == [1]  # the first read the shared count; the next three were counted here
    assert rate_check("rate:burst", limit=10, period=60, now=600.2).allowed
    assert sent == [1, 4]  # with the next round trip, the three and this one
    counters.rate_tallies_forget()  # another process, which has counted nothing yet
    assert _requests([600.3] * 2, key="rate:burst", limit=6) == [True, False]  # it sees all five, and its own


def test_a_burst_within_the_tenth_of_a_second_is_still_held_to_the_limit():
    assert _requests([600.0 + n / 1000 for n in range(6)], key="rate:fast") == [True, True, True, False, False, False]
