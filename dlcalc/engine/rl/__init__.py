"""Reinforcement learning: returns, Q-learning, DQN targets, MDPs, value iteration."""
