"""dlcalc: exam-style working for COMP5329 Deep Learning calculations.

The Python API has one function per command (``-`` becomes ``_``; ``return`` is
``return_``), taking the same arguments as the command's flags, as strings, numbers,
lists or NumPy arrays, and returning a :class:`~dlcalc.solution.Solution` (a mapping of
the result keys, with ``.steps``)::

    >>> import dlcalc
    >>> dlcalc.conv_size(input=227, kernel=11, stride=4)["out_w"]
    55

Functions are created on first use, so ``import dlcalc`` stays cheap; each has the
command's real signature (``help(dlcalc.optim)``), and a positional argument of the
command (optim's NAME, act's NAME, init's scheme) may be given first:
``dlcalc.optim("adam", params=[0.5], grads=[[0.2]], lr=0.1)``.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def run(op: str, args: dict[str, Any] | None = None, /, **kwargs: Any) -> Any:
    """Run any operation by name: ``dlcalc.run("conv-size", input=227, kernel=11)``."""
    from dlcalc.api import call

    return call(op, dict(args or {}, **kwargs))


def __getattr__(name: str) -> Any:
    if name.startswith("_"):
        raise AttributeError(name)
    import importlib
    import importlib.util

    if importlib.util.find_spec(f"dlcalc.{name}") is not None:  # a submodule, not an op
        return importlib.import_module(f"dlcalc.{name}")
    from dlcalc.errors import InputError
    from dlcalc.ops import get

    try:
        op = get(name)
    except InputError:
        raise AttributeError(f"module 'dlcalc' has no attribute {name!r}") from None

    from dlcalc.api import function

    api = function(op)
    globals()[name] = api
    return api


def __dir__() -> list[str]:
    from dlcalc.ops import registry

    return sorted(set(globals()) | {op.api_name for op in registry().values()})
