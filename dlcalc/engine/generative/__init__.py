"""Generative models: GAN and VAE objectives."""
