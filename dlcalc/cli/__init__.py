"""Typer front end: thin commands over the registry (dlcalc.ops) and the renderers.

Start-up: the garbage collector is paused while the CLI's modules import (dlcalc.cli.app
turns it back on) — collecting during imports only costs time, there is nothing to free.
"""

import gc

gc.disable()
