"""CNN architectures: layer specs, presets, parameter and MAC counts."""
