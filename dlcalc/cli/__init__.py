"""Typer front end: thin commands over the registry (dlcalc.ops) and the renderers."""
