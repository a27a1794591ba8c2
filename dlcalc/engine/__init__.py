"""Pure computation, one module per course topic. No printing, no files, no CLI.

Every public function is keyword-only, takes parsed values (ints, floats, NumPy
arrays) and returns a :class:`dlcalc.solution.Solution`.
"""
