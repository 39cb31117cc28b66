"""Effect monitoring: did the measures in place move the indicators they should?

``mi.effects(res, measures)`` estimates, for every unit and measure of a measures register
(:func:`mint_index.load_measures`), the effect on each indicator the action catalog names,
by difference-in-differences against comparable units without the measure, and a pooled
effect per measure. ``effect_summary`` words the estimates without over-claiming and
``effects_context`` gives a report everything it shows, as plain data; ``measure_review``
tells recommendations which measures in place work, need review or are too young.
"""

from mint_index.effect_monitoring.estimate import effects
from mint_index.effect_monitoring.review import measure_review
from mint_index.effect_monitoring.texts import effect_summary, effects_context

__all__ = ["effect_summary", "effects", "effects_context", "measure_review"]
