"""Public interface of the eligibility engine (fixed: other tools call it).

from tutoria_cms.requests.eligibility import EligibilityFacts, evaluate, get_rule_set
rule_set = get_rule_set("ufopa-331-2020")
verdict = evaluate(EligibilityFacts(...), rule_set)
verdict.eligible; verdict.outcome("art244.II"); verdict.results
rule_set.allows(REDIRECT)  # decisions beyond approve / deny the regulation allows
rule_set.max_requests_per_term  # its limits (``LIMITS``; None: the regulation sets none)
"""

from . import ufersa_turma_especial, ufopa_331_2020
from .base import (
    CHANGE_SCHEDULE,
    DECISION_OUTCOMES,
    LIMITS,
    REDIRECT,
    EligibilityFacts,
    Outcome,
    Rule,
    RuleResult,
    RuleSet,
    Verdict,
    evaluate,
    get_rule_set,
    register_rule_set,
    rule_sets,
)

register_rule_set(ufopa_331_2020.RULE_SET)
register_rule_set(ufersa_turma_especial.RULE_SET)

__all__ = [
    "CHANGE_SCHEDULE",
    "DECISION_OUTCOMES",
    "LIMITS",
    "REDIRECT",
    "EligibilityFacts",
    "Outcome",
    "Rule",
    "RuleResult",
    "RuleSet",
    "Verdict",
    "evaluate",
    "get_rule_set",
    "register_rule_set",
    "rule_sets",
]
