"""Typer front end: thin commands over the registry (dlcalc.ops) and the renderers.

Start-up: the garbage collector is paused while the CLI's modules import (dlcalc.cli.app
turns it back on) — collecting during imports only costs time, there is nothing to free.
"""

import gc
import os

gc.disable()

# Exam-sized arrays gain nothing from a BLAS thread pool, and on a busy machine threads
# make one matrix product 10-100x slower; starting no pool also speeds up the NumPy import.
# Set only when the user has not chosen (the library API leaves them alone).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
