"""The comparison helpers themselves (no agent needed): they must be able to fail."""

import pytest

from tests.verified.conftest import Response
from tests.verified.helpers import ABSENT, ANY, ANY_INDEX, NONEMPTY_STR, assert_contains, assert_error


def test_extra_keys_are_allowed():
    assert_contains({"A": 1, "B": {"C": 2, "D": 3}, "E": 4}, {"A": 1, "B": {"C": 2}})


@pytest.mark.parametrize("actual, expected", [
    ({"A": 1}, {"A": 2}),
    ({"A": 1}, {"B": 1}),
    ({"A": [1, 2]}, {"A": [1]}),  # lists compare item by item and by length
    ({"A": None}, {"A": {}}),  # null is not an empty object
    ({"A": True}, {"A": 1}),  # a bool is not a number
    ({"A": "1"}, {"A": 1}),
    ({"A": 1}, {"A": ABSENT}),
    ({}, {"A": ANY}),
    ({"I": 0}, {"I": ANY_INDEX}),
    ({"S": ""}, {"S": NONEMPTY_STR}),
])
def test_mismatches_fail(actual, expected):
    with pytest.raises(AssertionError):
        assert_contains(actual, expected)


def test_numbers_compare_by_value():
    assert_contains({"Weight": 50.0}, {"Weight": 50})


def test_assert_error_strips_one_newline():
    assert_error(Response(400, {}, "text\n"), 400, "text")
    with pytest.raises(AssertionError):
        assert_error(Response(400, {}, "text\n\n"), 400, "text")
    with pytest.raises(AssertionError):
        assert_error(Response(500, {}, "text"), 400, "text")
