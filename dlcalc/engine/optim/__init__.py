"""Optimizers: the slides' and PyTorch's update rules."""
