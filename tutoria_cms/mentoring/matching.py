"""Suggested pairs for a whole pool at once: an optimal assignment on a compatibility score.

Pure functions (no database): :func:`suggest_pairs` takes mentors and mentees (any objects
with the attributes of :class:`Candidate`) and returns the suggestions with their score and
the reasons behind it.

The score of a mentor and a mentee, out of 100, is the weighted mean of five parts, each
between 0 and 1 (weights set by the programme):

- goals: the share of the mentee's goals the mentor shares;
- interests: the share of the mentee's interests the mentor shares;
- experience: 1 when the mentor is two or more levels ahead, 0.75 one level, 0.25 the same
  level, 0 behind;
- availability: 1 with two or more common slots, 0.5 with one, 0 with none;
- languages: 1 with a common language (or when either gave none), else the pair is not
  suggested at all (they could not talk to each other).

The assignment maximises the total score of the suggested pairs (scipy's
``linear_sum_assignment``, a shortest-augmenting-path solver) over a matrix where each mentor
is repeated once per free place (capacity). Pairs under the programme's minimum score, pairs
without a common language and pairs the coordinator rejected are impossible (the mentee may
then stay without a suggestion). Ties are broken deterministically: participants are ordered
by key, and among equal totals the solution that uses mentors' first places (spreading
mentees across mentors) wins.
"""

from dataclasses import dataclass, field

try:
    import numpy as np
    from scipy.optimize import linear_sum_assignment
except ImportError:  # the `mentoring` extra is missing: tutoria_mentoring.E011 says so
    np = linear_sum_assignment = None

from .tags import tag_key

PARTS = ("goals", "interests", "experience", "availability", "languages")
DEFAULT_WEIGHTS = {"goals": 4, "interests": 2, "experience": 1, "availability": 2, "languages": 1}
EXPERIENCE_SCORES = {2: 1.0, 1: 0.75, 0: 0.25}  # by mentor level minus mentee level


@dataclass
class Candidate:
    """What matching needs to know about a participant."""

    key: object
    goals: list = field(default_factory=list)
    interests: list = field(default_factory=list)
    experience: int = 0
    availability: list = field(default_factory=list)
    languages: list = field(default_factory=list)
    capacity: int = 1  # mentors: free places


@dataclass
class Suggestion:
    mentor: object
    mentee: object
    score: float
    reasons: dict

    @property
    def pair(self):
        return (self.mentor.key, self.mentee.key)


def candidate(participant, capacity=None):
    """A :class:`Candidate` from a ``Participant`` (capacity: its free places)."""
    return Candidate(
        key=participant.pk,
        goals=list(participant.goals or ()),
        interests=list(participant.interests or ()),
        experience=participant.experience,
        availability=list(participant.availability or ()),
        languages=list(participant.languages or ()),
        capacity=participant.get_capacity() if capacity is None else capacity,
    )


def _weights(weights):
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    values = np.array([float(weights.get(part, 0)) for part in PARTS])
    if (values < 0).any() or values.sum() <= 0:
        raise ValueError("weights must be non-negative with at least one above zero")
    return values / values.sum()


def _experience_score(gap):
    if gap >= 2:
        return 1.0
    return EXPERIENCE_SCORES.get(gap, 0.0)


def _incidence(people, attribute, exact=False):
    """A 0/1 matrix people x vocabulary of ``attribute`` (lists of tags or codes)."""
    keys = [
        {value if exact else tag_key(value) for value in getattr(person, attribute) or ()}
        for person in people
    ]
    return keys


def _matrices(mentee_sets, mentor_sets):
    vocabulary = {}
    for sets in (mentee_sets, mentor_sets):
        for values in sets:
            for value in values:
                vocabulary.setdefault(value, len(vocabulary))
    width = max(len(vocabulary), 1)
    mentees = np.zeros((len(mentee_sets), width), dtype=np.float32)
    mentors = np.zeros((len(mentor_sets), width), dtype=np.float32)
    for matrix, sets in ((mentees, mentee_sets), (mentors, mentor_sets)):
        for row, values in enumerate(sets):
            for value in values:
                matrix[row, vocabulary[value]] = 1.0
    return mentees, mentors


def _common(mentee_sets, mentor_sets):
    """Counts of common values (mentees x mentors) and each mentee's count."""
    mentees, mentors = _matrices(mentee_sets, mentor_sets)
    return mentees @ mentors.T, mentees.sum(axis=1)


def score_matrix(mentors, mentees, weights=None):
    """Scores (mentees x mentors, 0-100, one decimal) and a mask of possible pairs."""
    w = _weights(weights)
    n, m = len(mentees), len(mentors)
    parts = np.zeros((len(PARTS), n, m), dtype=np.float64)
    possible = np.ones((n, m), dtype=bool)
    for index, attribute in enumerate(("goals", "interests")):
        common, own = _common(_incidence(mentees, attribute), _incidence(mentors, attribute))
        parts[index] = np.divide(
            common,
            own[:, None],
            out=np.zeros_like(common, dtype=np.float64),
            where=own[:, None] > 0,
        )
    mentee_levels = np.array([int(p.experience or 0) for p in mentees])[:, None]
    mentor_levels = np.array([int(p.experience or 0) for p in mentors])[None, :]
    gap = mentor_levels - mentee_levels
    parts[2] = np.select([gap >= 2, gap == 1, gap == 0], [1.0, 0.75, 0.25], default=0.0)
    common, _own = _common(
        _incidence(mentees, "availability", exact=True),
        _incidence(mentors, "availability", exact=True),
    )
    parts[3] = np.minimum(common, 2) / 2
    mentee_languages = _incidence(mentees, "languages")
    mentor_languages = _incidence(mentors, "languages")
    common, own = _common(mentee_languages, mentor_languages)
    mentor_own = np.array([len(values) for values in mentor_languages], dtype=np.float64)
    unknown = (own[:, None] == 0) | (mentor_own[None, :] == 0)
    parts[4] = np.where((common > 0) | unknown, 1.0, 0.0)
    possible &= parts[4] > 0
    scores = np.round(np.tensordot(w, parts, axes=1) * 100, 1)
    return scores, possible


def explain(mentor, mentee, weights=None):
    """Score, whether possible, and reasons of one pair (see :func:`reasons`)."""
    scores, possible = score_matrix([mentor], [mentee], weights)
    return float(scores[0, 0]), bool(possible[0, 0]), reasons(mentor, mentee)


def reasons(mentor, mentee):
    """Why a pair fits: shared goals, interests, languages and slots, experience gap."""

    def shared(attribute, exact=False):
        theirs = {value if exact else tag_key(value) for value in getattr(mentor, attribute) or ()}
        return [
            value
            for value in getattr(mentee, attribute) or ()
            if (value if exact else tag_key(value)) in theirs
        ]

    return {
        "goals": shared("goals"),
        "interests": shared("interests"),
        "languages": shared("languages"),
        "availability": shared("availability", exact=True),
        "experience_gap": int(mentor.experience or 0) - int(mentee.experience or 0),
    }


def suggest_pairs(mentors, mentees, weights=None, minimum_score=0, excluded=()):
    """The optimal suggestions for the pool: a list of :class:`Suggestion`.

    ``mentors`` carry ``capacity`` (their free places; 0 or less: none). ``excluded`` holds
    (mentor key, mentee key) pairs never to suggest (rejected before). Every mentee appears at
    most once; mentees with no possible mentor get no suggestion.
    """
    mentors = sorted(mentors, key=lambda person: _sort_key(person.key))
    mentees = sorted(mentees, key=lambda person: _sort_key(person.key))
    if not mentors or not mentees:
        return []
    scores, possible = score_matrix(mentors, mentees, weights)
    possible &= scores >= max(float(minimum_score), 0.1)
    if excluded:
        mentor_index = {person.key: index for index, person in enumerate(mentors)}
        mentee_index = {person.key: index for index, person in enumerate(mentees)}
        for mentor_key, mentee_key in excluded:
            if mentor_key in mentor_index and mentee_key in mentee_index:
                possible[mentee_index[mentee_key], mentor_index[mentor_key]] = False
    capacities = np.array([max(int(person.capacity or 0), 0) for person in mentors])
    # Columns: one per free place of each mentor; place_rank is 1 for a mentor's first place.
    slot_mentor = np.repeat(np.arange(len(mentors)), capacities)
    if slot_mentor.size == 0:
        return []
    place_rank = np.concatenate([np.arange(1, c + 1) for c in capacities if c > 0])
    tenths = np.rint(scores * 10).astype(np.int64)
    # One tenth of a point outweighs every tie-break together (lexicographic objective).
    big = int(place_rank.sum()) + 1
    cost = -(tenths[:, slot_mentor] * big) + place_rank[None, :]
    cost = np.where(possible[:, slot_mentor], cost, 0).astype(np.float64)
    rows, columns = linear_sum_assignment(cost)
    suggestions = []
    for row, column in zip(rows, columns, strict=True):
        mentor_number = slot_mentor[column]
        if not possible[row, mentor_number]:
            continue
        mentor, mentee = mentors[mentor_number], mentees[row]
        suggestions.append(
            Suggestion(mentor, mentee, float(scores[row, mentor_number]), reasons(mentor, mentee))
        )
    return suggestions


def greedy_pairs(mentors, mentees, weights=None, minimum_score=0):
    """Baseline for comparison only: take the best remaining pair first (globally greedy)."""
    mentors = sorted(mentors, key=lambda person: _sort_key(person.key))
    mentees = sorted(mentees, key=lambda person: _sort_key(person.key))
    scores, possible = score_matrix(mentors, mentees, weights)
    possible &= scores >= max(float(minimum_score), 0.1)
    free = [max(int(person.capacity or 0), 0) for person in mentors]
    order = np.argsort(-np.where(possible, scores, -1).ravel(), kind="stable")
    taken, result = set(), []
    width = len(mentors)
    for flat in order:
        row, column = divmod(int(flat), width)
        if not possible[row, column]:
            break
        if row in taken or free[column] <= 0:
            continue
        taken.add(row)
        free[column] -= 1
        result.append(Suggestion(mentors[column], mentees[row], float(scores[row, column]), {}))
    return result


def total_score(suggestions):
    return round(sum(suggestion.score for suggestion in suggestions), 1)


def _sort_key(key):
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))
