"""The one marker of ``--check``, the quiz, batch ``check`` records and ``solution.check``.

``mark(solution, answers, keyed)`` -> the ``check`` object of CONTRACT section 5. The parts:
``written`` (an answer's numbers and the precision each was written to), ``precision`` (when a
written number agrees with a true value), ``address`` (result keys, elements, named steps),
``catalogue`` (a command's named misconceptions), ``items`` (a value being marked, element-wise
comparison), ``follow`` (follow-through by replay), ``named`` (named mistakes by replay)
and ``marker`` (the order, bare answers, the check object).
"""

from dlcalc.check.marker import FOLLOW, MISTAKE, RIGHT, WRONG, answer_keys, mark

__all__ = ["FOLLOW", "MISTAKE", "RIGHT", "WRONG", "answer_keys", "mark"]
