"""Rule-based recommendations: from score gaps to ranked, explained measures.

``mi.recommend(results)`` applies the packaged rules (recommendations/ in the repository)
to every unit and year; ``mi.load_rules(path)`` loads rules of your own. See
docs/recommendations.md for the rule format.
"""

from mint_index.recommendations.advice import recommend
from mint_index.recommendations.recommendations import Recommendations
from mint_index.recommendations.rules import Action, Rule, RuleSet, load_rules

__all__ = ["Action", "Recommendations", "Rule", "RuleSet", "load_rules", "recommend"]
