"""Batch normalisation in training and at inference."""
