"""The optimal assignment: hand-checked optimum, better than greedy, capacity, threshold."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutoria_cms.mentoring.matching import (
    Candidate,
    explain,
    greedy_pairs,
    score_matrix,
    suggest_pairs,
    total_score,
)

ONLY_GOALS = {"goals": 1, "interests": 0, "experience": 0, "availability": 0, "languages": 0}


def mentor(key, goals, capacity=1, **kwargs):
    return Candidate(key=key, goals=goals, capacity=capacity, **kwargs)


def mentee(key, goals, **kwargs):
    return Candidate(key=key, goals=goals, **kwargs)


def as_dict(suggestions):
    return {s.mentee.key: (s.mentor.key, s.score) for s in suggestions}


def test_hand_checked_three_by_three():
    """Scores (goals only: share of the mentee's 4 goals the mentor shares):

                 X     Y     Z
        a      100    75    25
        b       50    50     0
        c       50    25    25

    By hand, over the 6 permutations: aX+bY+cZ = 175, aX+bZ+cY = 125, aY+bX+cZ = 150,
    aY+bZ+cX = 125, aZ+bX+cY = 100, aZ+bY+cX = 125. The optimum is aX, bY, cZ (175).
    """
    mentors = [
        mentor("X", ["a1", "a2", "a3", "a4", "b1", "b2", "c1", "c2"]),
        mentor("Y", ["a1", "a2", "a3", "b1", "b2", "c1"]),
        mentor("Z", ["a1", "c1"]),
    ]
    mentees = [
        mentee("a", ["a1", "a2", "a3", "a4"]),
        mentee("b", ["b1", "b2", "b3", "b4"]),
        mentee("c", ["c1", "c2", "c3", "c4"]),
    ]
    scores, possible = score_matrix(mentors, mentees, ONLY_GOALS)
    assert scores.tolist() == [[100, 75, 25], [50, 50, 0], [50, 25, 25]]
    assert possible.all()
    best = max(
        sum(scores[row, column] for row, column in enumerate(permutation))
        for permutation in itertools.permutations(range(3))
    )
    assert best == 175
    suggestions = suggest_pairs(mentors, mentees, ONLY_GOALS, minimum_score=10)
    assert total_score(suggestions) == 175
    assert len(suggestions) == 3
    assert as_dict(suggestions) == {"a": ("X", 100), "b": ("Y", 50), "c": ("Z", 25)}
    # Deterministic: the same input (in any order) gives the same answer.
    again = suggest_pairs(mentors[::-1], mentees[::-1], ONLY_GOALS, minimum_score=10)
    assert as_dict(again) == as_dict(suggestions)


def test_optimum_beats_greedy_on_a_case_built_for_it():
    """Greedy takes a-X (100) first and leaves b with nobody; the optimum pairs both."""
    mentors = [mentor("X", ["a1", "a2", "b1", "b2"]), mentor("Y", ["a1", "z"])]
    mentees = [mentee("a", ["a1", "a2"]), mentee("b", ["b1", "b2"])]
    greedy = greedy_pairs(mentors, mentees, ONLY_GOALS, minimum_score=10)
    optimal = suggest_pairs(mentors, mentees, ONLY_GOALS, minimum_score=10)
    assert as_dict(greedy) == {"a": ("X", 100)}
    assert as_dict(optimal) == {"a": ("Y", 50), "b": ("X", 100)}
    assert total_score(optimal) == 150 > total_score(greedy) == 100


@pytest.mark.parametrize("capacity", [1, 2, 3])
def test_capacity_is_respected(capacity):
    star = mentor("star", ["g"], capacity=capacity)
    weak = mentor("weak", ["g", "x"], capacity=10, experience=0)
    mentees = [mentee(f"m{i}", ["g"]) for i in range(5)]
    suggestions = suggest_pairs([star, weak], mentees, ONLY_GOALS)
    per_mentor = {key: [s.mentor.key for s in suggestions].count(key) for key in ("star", "weak")}
    assert per_mentor["star"] == capacity
    assert per_mentor["weak"] == 5 - capacity
    assert len({s.mentee.key for s in suggestions}) == 5


def test_no_places_no_suggestions():
    assert suggest_pairs([mentor("X", ["g"], capacity=0)], [mentee("a", ["g"])]) == []
    assert suggest_pairs([], [mentee("a", ["g"])]) == []


def test_minimum_score_threshold():
    mentors = [mentor("X", ["g1"])]
    mentees = [mentee("a", ["g1", "g2", "g3", "g4"])]  # 25 points
    assert as_dict(suggest_pairs(mentors, mentees, ONLY_GOALS, minimum_score=25)) == {
        "a": ("X", 25)
    }
    assert suggest_pairs(mentors, mentees, ONLY_GOALS, minimum_score=25.1) == []
    # Zero is never suggested, even with no minimum.
    assert suggest_pairs([mentor("X", ["other"])], mentees, ONLY_GOALS, minimum_score=0) == []


def test_a_mentee_without_a_possible_mentor_does_not_take_a_place():
    mentors = [mentor("X", ["g1"], capacity=1)]
    mentees = [mentee("a", ["nothing"]), mentee("b", ["g1"])]
    assert as_dict(suggest_pairs(mentors, mentees, ONLY_GOALS, minimum_score=10)) == {
        "b": ("X", 100)
    }


def test_rejected_pairs_are_excluded():
    mentors = [mentor("X", ["g"]), mentor("Y", ["g", "h"])]
    mentees = [mentee("a", ["g", "h"])]
    assert as_dict(suggest_pairs(mentors, mentees, ONLY_GOALS)) == {"a": ("Y", 100)}
    assert as_dict(suggest_pairs(mentors, mentees, ONLY_GOALS, excluded={("Y", "a")})) == {
        "a": ("X", 50)
    }


def test_ties_spread_mentees_across_mentors():
    mentors = [mentor("X", ["g"], capacity=3), mentor("Y", ["g"], capacity=3)]
    mentees = [mentee(f"m{i}", ["g"]) for i in range(4)]
    per_mentor = [s.mentor.key for s in suggest_pairs(mentors, mentees, ONLY_GOALS)]
    assert sorted(per_mentor) == ["X", "X", "Y", "Y"]


def test_score_parts_weights_and_reasons():
    weights = {"goals": 4, "interests": 2, "experience": 1, "availability": 2, "languages": 1}
    m = Candidate(
        "X",
        goals=["técnicas de estudio", "cálculo"],
        interests=["música", "cine"],
        experience=2,
        availability=["mon_am", "wed_pm"],
        languages=["español"],
    )
    e = Candidate(
        "a",
        goals=["Tecnicas de estudio", "inglés"],
        interests=["musica"],
        experience=0,
        availability=["mon_am"],
        languages=["español", "english"],
    )
    score, possible, reasons = explain(m, e, weights)
    # goals 1/2, interests 1/1, experience 1 (two levels), availability 0.5 (one slot),
    # languages 1: (4*0.5 + 2*1 + 1*1 + 2*0.5 + 1*1) / 10 = 0.7
    assert possible and score == 70.0
    assert reasons["goals"] == ["Tecnicas de estudio"]
    assert reasons["interests"] == ["musica"]
    assert reasons["availability"] == ["mon_am"]
    assert reasons["languages"] == ["español"]
    assert reasons["experience_gap"] == 2


def test_no_common_language_is_impossible():
    m = Candidate("X", goals=["g"], languages=["português"])
    e = Candidate("a", goals=["g"], languages=["español"])
    assert suggest_pairs([m], [e]) == []
    assert explain(m, e)[1] is False
    # Unknown languages do not prevent a pair.
    assert len(suggest_pairs([Candidate("X", goals=["g"])], [e])) == 1


def test_bad_weights_are_refused():
    with pytest.raises(ValueError):
        score_matrix([mentor("X", ["g"])], [mentee("a", ["g"])], {"goals": 0})


# Property: on small random pools the solver equals brute force and never loses to greedy.

TAGS = ["a", "b", "c", "d", "e"]
people = st.lists(st.sets(st.sampled_from(TAGS), max_size=3), min_size=1, max_size=4)


def brute_force(scores, possible, capacities, minimum):
    """Best total over every way of giving each mentee one mentor (or none)."""
    n, m = scores.shape
    best = 0.0
    for choice in itertools.product(range(-1, m), repeat=n):
        load = [0] * m
        total = 0.0
        for row, column in enumerate(choice):
            if column < 0:
                continue
            if not possible[row, column] or scores[row, column] < minimum:
                break
            load[column] += 1
            total += scores[row, column]
        else:
            if all(load[c] <= capacities[c] for c in range(m)):
                best = max(best, total)
    return round(best, 1)


@settings(max_examples=60, deadline=None)
@given(
    mentor_goals=people,
    mentee_goals=people,
    capacities=st.lists(st.integers(0, 2), min_size=4, max_size=4),
)
def test_optimum_equals_brute_force_and_beats_greedy(mentor_goals, mentee_goals, capacities):
    mentors = [
        mentor(i, sorted(goals), capacity=capacities[i]) for i, goals in enumerate(mentor_goals)
    ]
    mentees = [mentee(f"m{i}", sorted(goals)) for i, goals in enumerate(mentee_goals)]
    optimal = suggest_pairs(mentors, mentees, ONLY_GOALS, minimum_score=10)
    scores, possible = score_matrix(mentors, mentees, ONLY_GOALS)
    assert total_score(optimal) == brute_force(scores, possible, [m.capacity for m in mentors], 10)
    assert total_score(optimal) >= total_score(greedy_pairs(mentors, mentees, ONLY_GOALS, 10))
    load = {}
    for suggestion in optimal:
        load[suggestion.mentor.key] = load.get(suggestion.mentor.key, 0) + 1
    assert all(load[m.key] <= m.capacity for m in mentors if m.key in load)
    assert len({s.mentee.key for s in optimal}) == len(optimal)
