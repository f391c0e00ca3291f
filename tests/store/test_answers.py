"""Kept answers (consulite/store/answers.py): valid while no topic read has moved, the state was not replaced,
and within the byte budget."""

from consulite.store.answers import Answers
from consulite.store.watch import Watches


def test_an_answer_is_kept_until_a_topic_it_read_moves():
    watches = Watches()
    answers = Answers(watches)
    answers.put("k", {("a",)}, 5, 5, b"[1]")
    watches.touch([("b",)], 6)  # another topic: still valid
    found = answers.get("k")
    assert found is not None and found.body == b"[1]" and found.index == 5
    watches.touch([("a",)], 7)
    assert answers.get("k") is None
    assert len(answers) == 0


def test_a_replaced_state_drops_every_answer():
    watches = Watches()
    answers = Answers(watches)
    answers.put("k", {("a",)}, 5, 5, b"[1]")
    watches.wake_all()  # reset or restore: the epoch moves, topic indexes are forgotten
    assert answers.get("k") is None


def test_the_oldest_answers_go_past_the_byte_budget():
    answers = Answers(Watches(), limit=40)
    for n in range(4):
        answers.put(n, set(), 1, 1, b"x" * 10)
    answers.put("big", set(), 1, 1, b"x" * 11)  # over a quarter of the budget: never kept
    answers.put(4, set(), 1, 1, b"x" * 10)
    assert [answers.get(n) is not None for n in range(5)] == [False, True, True, True, True]
    assert answers.get("big") is None
