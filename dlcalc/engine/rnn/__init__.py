"""Recurrent networks: RNN, BPTT, LSTM, vanishing/exploding gradients."""
