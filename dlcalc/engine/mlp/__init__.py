"""Multilayer networks: activations, perceptron, forward pass and backprop, init, dropout, autoencoder."""
