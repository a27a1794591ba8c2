"""Convolution and pooling: output sizes, convolution, pooling."""
