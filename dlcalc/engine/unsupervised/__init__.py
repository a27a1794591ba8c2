"""PCA and CCA."""
