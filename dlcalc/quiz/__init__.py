"""Practice: the question bank, quizzes, exam mode, spaced review and export.

bank.py loads TOML banks, validate.py checks them, generate.py turns questions into
concrete items (calc parameters drawn, choices shuffled), grading.py marks answers,
session.py runs a quiz, review.py schedules with FSRS, export.py writes Markdown/Anki.
"""
