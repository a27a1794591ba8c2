"""Perceptron rule: AND converges with the weight sequence worked by hand; XOR never does."""

from __future__ import annotations

import numpy as np
import pytest

from dlcalc.engine.mlp.perceptron import perceptron
from dlcalc.errors import InputError

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _weights_after_each_epoch(sol):
    return [row[2] for row in sol.tables[0].rows]


def test_and_converges_with_hand_worked_sequence():
    # Augmented x~ = [1, x1, x2], labels AND -> (-1, -1, -1, +1), eta = 1, w = 0.
    # Predict +1 when w.x~ >= 0.
    # Epoch 1: (1,0,0) a=0 -> +1 wrong: w = (0,0,0) - (1,0,0) = (-1,0,0)
    #          (1,0,1) a=-1 ok; (1,1,0) a=-1 ok
    #          (1,1,1) a=-1 -> -1 wrong: w = (-1,0,0) + (1,1,1) = (0,1,1)          [2 mistakes]
    # Epoch 2: (1,0,0) a=0 wrong: (-1,1,1); (1,0,1) a=0 wrong: (-2,1,0)
    #          (1,1,0) a=-1 ok; (1,1,1) a=-1 wrong: (-1,2,1)                      [3 mistakes]
    # Epoch 3: (1,0,0) a=-1 ok; (1,0,1) a=0 wrong: (-2,2,0); (1,1,0) a=0 wrong: (-3,1,0)
    #          (1,1,1) a=-2 wrong: (-2,2,1)                                        [3 mistakes]
    # Epoch 4: (1,0,0) a=-2 ok; (1,0,1) a=-1 ok; (1,1,0) a=0 wrong: (-3,1,1)
    #          (1,1,1) a=-1 wrong: (-2,2,2)                                        [2 mistakes]
    # Epoch 5: (1,0,0) a=-2 ok; (1,0,1) a=0 wrong: (-3,2,1); (1,1,0) a=-1 ok
    #          (1,1,1) a=0 -> +1 ok                                                [1 mistake]
    # Epoch 6: a = -3, -2, -1, 0 -> -1, -1, -1, +1 all correct                    [0 mistakes]
    sol = perceptron(data=X, labels=np.array([0.0, 0.0, 0.0, 1.0]))
    assert sol["converged"] is True
    assert sol["epochs"] == 6
    assert sol["mistakes"] == [2, 3, 3, 2, 1, 0]
    assert sol["weights"].tolist() == [-3, 2, 1]
    assert sol["weights"].dtype.kind == "i"  # integers stay integers
    assert _weights_after_each_epoch(sol) == [
        "[0, 1, 1]",
        "[-1, 2, 1]",
        "[-2, 2, 1]",
        "[-2, 2, 2]",
        "[-3, 2, 1]",
        "[-3, 2, 1]",
    ]
    # the first update is written out with its numbers
    first = sol.steps[1]
    assert first.substituted == "[0, 0, 0].[1, 0, 0] = 0 -> 1 != -1; [0, 0, 0] + 1*(-1)*[1, 0, 0]"
    assert first.value.tolist() == [-1, 0, 0]


def test_minus_one_labels_give_the_same_run():
    a = perceptron(data=X, labels=np.array([0.0, 0.0, 0.0, 1.0]))
    b = perceptron(data=X, labels=np.array([-1.0, -1.0, -1.0, 1.0]))
    assert a.result["weights"].tolist() == b.result["weights"].tolist()
    assert not any("{0, 1}" in n for n in b.notes)


def test_xor_does_not_converge():
    sol = perceptron(data=X, labels=np.array([0.0, 1.0, 1.0, 0.0]))
    assert sol["converged"] is False
    assert sol["epochs"] == 100
    assert len(sol["mistakes"]) == 100 and min(sol["mistakes"]) > 0
    text = " ".join(sol.notes)
    assert "not converged after 100 epoch(s)" in text
    assert "XOR" in text
    assert "cycles" in text  # the weights repeat, which proves non-separability


def test_learning_rate_and_initial_weights():
    # eta = 0.5 with w0 = (0.5, 0, 0): (1,0,0) a=0.5 -> +1 wrong: w = (0.5,0,0) - 0.5(1,0,0) = 0
    sol = perceptron(
        data=X[:1], labels=np.array([-1.0]), lr=0.5, weights=np.array([0.5, 0.0, 0.0]), epochs=1
    )
    assert sol["weights"].tolist() == [0, 0, 0]
    assert sol["mistakes"] == [1]
    assert sol["converged"] is False


def test_epoch_limit_respected():
    sol = perceptron(data=X, labels=np.array([0.0, 0.0, 0.0, 1.0]), epochs=3)
    assert sol["epochs"] == 3 and sol["converged"] is False
    assert sol["mistakes"] == [2, 3, 3]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"labels": np.array([0.0, 1.0, 1.0])}, "^--labels: expected 4 values"),
        ({"labels": np.array([0.0, 1.0, 2.0, 1.0])}, r"^--labels: expected labels in \{-1, 1\}"),
        ({"weights": np.array([0.0, 1.0])}, "^--weights: expected 3 values"),
        ({"lr": 0.0}, "^--lr"),
    ],
)
def test_errors_name_the_flag(kwargs, match):
    args = {"data": X, "labels": np.array([0.0, 0.0, 0.0, 1.0]), **kwargs}
    with pytest.raises(InputError, match=match):
        perceptron(**args)
