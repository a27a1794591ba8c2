"""Optimizer engine: lecture rules worked by hand, PyTorch rules against a separate reference.

Lecture tests use f(x) = x^2 (g = 2x) from x0 = 1, with the arithmetic in comments.
PyTorch tests compare with ``torch_reference`` below: a loop written from the algorithms
documented for torch.optim (SGD, Adagrad, Adadelta, RMSprop, Adam), not from the engine.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc import ops
from dlcalc.engine.optim.optimize import optim, optim_compare
from dlcalc.errors import ComputationError, InputError, LimitError
from dlcalc.solution import Plot


def xs(sol) -> list[float]:
    return [row[0] for row in sol["trajectory"].tolist()]


def run1(name: str, steps: int = 3, **hp):
    return optim(name=name, f="x^2", start=np.array([1.0]), steps=steps, **hp)


# ---------------------------------------------------------------- lecture, by hand


def test_lecture_sgd():
    # x1 = 1 - 0.1*2 = 0.8; x2 = 0.8 - 0.1*1.6 = 0.64; x3 = 0.64 - 0.1*1.28 = 0.512
    sol = run1("sgd", lr=0.1)
    assert xs(sol) == pytest.approx([1, 0.8, 0.64, 0.512], rel=1e-12)
    assert sol["grads"].ravel().tolist() == pytest.approx([2, 1.6, 1.28])
    # f = x^2 along the way
    assert sol["values"].tolist() == pytest.approx([1, 0.64, 0.4096, 0.262144])


def test_lecture_momentum():
    # g1 = 2, v1 = 0.9*0 + 0.1*2 = 0.2, x1 = 0.8
    # g2 = 1.6, v2 = 0.9*0.2 + 0.1*1.6 = 0.18 + 0.16 = 0.34, x2 = 0.8 - 0.34 = 0.46
    # g3 = 0.92, v3 = 0.9*0.34 + 0.092 = 0.306 + 0.092 = 0.398, x3 = 0.46 - 0.398 = 0.062
    sol = run1("momentum", lr=0.1, momentum=0.9)
    assert xs(sol) == pytest.approx([1, 0.8, 0.46, 0.062], rel=1e-12)


def test_lecture_nag():
    # t1: look-ahead 1 - 0.9*0 = 1, g = 2, v1 = 0.2, x1 = 0.8
    # t2: look-ahead 0.8 - 0.9*0.2 = 0.62, g = 1.24, v2 = 0.18 + 0.124 = 0.304, x2 = 0.496
    # t3: look-ahead 0.496 - 0.9*0.304 = 0.2224, g = 0.4448, v3 = 0.2736 + 0.04448 = 0.31808,
    #     x3 = 0.496 - 0.31808 = 0.17792
    sol = run1("nag", lr=0.1, momentum=0.9)
    assert xs(sol) == pytest.approx([1, 0.8, 0.496, 0.17792], rel=1e-12)
    # grads are the look-ahead gradients actually used
    assert sol["grads"].ravel().tolist() == pytest.approx([2, 1.24, 0.4448], rel=1e-12)


def test_lecture_adagrad():
    # t1: G = 4, x1 = 1 - 0.1*2/sqrt(4) = 0.9
    # t2: g = 1.8, G = 4 + 3.24 = 7.24, x2 = 0.9 - 0.18/sqrt(7.24) = 0.9 - 0.0668965 = 0.8331035
    sol = run1("adagrad", steps=2, lr=0.1, eps=0)
    assert xs(sol) == pytest.approx([1, 0.9, 0.9 - 0.18 / math.sqrt(7.24)], rel=1e-12)
    assert xs(sol)[2] == pytest.approx(0.8331035, abs=1e-7)


def test_lecture_adagrad_default_eps_inside_sqrt():
    # eps = 1e-8 inside the root: x1 = 1 - 0.01*2/sqrt(4 + 1e-8)
    sol = run1("adagrad", steps=1)
    assert sol["hyperparameters"]["eps"] == 1e-8
    assert xs(sol)[1] == pytest.approx(1 - 0.02 / math.sqrt(4 + 1e-8), rel=1e-15)


def test_lecture_adadelta():
    # rho = 0.5, eps = 0.25 (so the roots come out round):
    # t1: E = 0.5*4 = 2; d1 = -sqrt(0 + 0.25)/sqrt(2 + 0.25) * 2 = -(0.5/1.5)*2 = -2/3
    #     D = 0.5*(4/9) = 2/9; x1 = 1 - 2/3 = 1/3
    # t2: g = 2/3; E = 0.5*2 + 0.5*(4/9) = 11/9
    #     d2 = -sqrt(2/9 + 1/4)/sqrt(11/9 + 1/4) * 2/3 = -sqrt(17/36)/sqrt(53/36) * 2/3
    #        = -(2/3) sqrt(17/53) = -0.377568; x2 = 1/3 - 0.377568 = -0.044235
    sol = run1("adadelta", steps=2, rho=0.5, eps=0.25)
    expected = [1, 1 / 3, 1 / 3 - (2 / 3) * math.sqrt(17 / 53)]
    assert xs(sol) == pytest.approx(expected, rel=1e-12)
    assert xs(sol)[2] == pytest.approx(-0.044235, abs=1e-6)


def test_lecture_adadelta_ignores_lr_with_a_note():
    sol = run1("adadelta", steps=1, lr=5)
    assert any("--lr is not used by adadelta" in n for n in sol.notes)
    assert "lr" not in sol["hyperparameters"]


def test_lecture_rmsprop():
    # rho = 0.5, eps = 0, lr = 0.1
    # t1: E = 0.5*4 = 2, x1 = 1 - 0.1*2/sqrt(2) = 1 - 0.141421 = 0.858579
    # t2: g = 1.717157, E = 0.5*2 + 0.5*1.717157^2 = 1 + 1.474315 = 2.474315,
    #     x2 = 0.858579 - 0.1*1.717157/sqrt(2.474315) = 0.858579 - 0.109165 = 0.749414
    sol = run1("rmsprop", steps=2, lr=0.1, rho=0.5, eps=0)
    x1 = 1 - 0.2 / math.sqrt(2)
    e2 = 1 + 0.5 * (2 * x1) ** 2
    x2 = x1 - 0.1 * 2 * x1 / math.sqrt(e2)
    assert xs(sol) == pytest.approx([1, x1, x2], rel=1e-12)
    assert x2 == pytest.approx(0.749414, abs=1e-6)


def test_lecture_rmsprop_defaults():
    sol = run1("rmsprop", steps=1)
    assert sol["hyperparameters"] == {"lr": 0.001, "rho": 0.9, "eps": 1e-8, "weight_decay": 0}


def test_lecture_adam_is_the_slides_formula():
    # CONTRACT: th -= lr m / sqrt(v + eps), no bias correction.
    # One parameter theta_0 = 0.5, gradient g_1 = 0.2, lr 0.1, betas 0.9/0.999, eps 1e-8:
    #   m_1 = 0.9*0 + 0.1*0.2 = 0.02;  v_1 = 0.999*0 + 0.001*0.2^2 = 0.00004
    #   theta_1 = 0.5 - 0.1*0.02/sqrt(0.00004 + 1e-8) = 0.5 - 0.002/0.0063253 = 0.18381
    sol = optim(name="adam", params=np.array([0.5]), grads=np.array([[0.2]]), lr=0.1)
    x1 = 0.5 - 0.1 * 0.02 / math.sqrt(0.00004 + 1e-8)
    assert xs(sol) == pytest.approx([0.5, x1], rel=1e-12)
    assert x1 == pytest.approx(0.18381, abs=1e-5)
    assert any("no bias correction" in n for n in sol.notes)
    assert sol.steps[0].formula.endswith("theta -= eta m / sqrt(v + eps)")


def test_lecture_adam_two_steps_by_hand():
    # beta1 = beta2 = 0.5, eps = 0, lr = 0.1, f = x^2 (g = 2x) from 1
    # t1: m = 0.5*2 = 1, v = 0.5*4 = 2, x1 = 1 - 0.1*1/sqrt(2) = 0.9292893
    # t2: g = 2*x1 = 1.8585786, m = 0.5*1 + 0.5*g = 1.4292893,
    #     v = 0.5*2 + 0.5*g^2 = 1 + 1.7271573 = 2.7271573,
    #     x2 = x1 - 0.1*1.4292893/sqrt(2.7271573) = 0.9292893 - 0.0865496 = 0.8427397
    sol = run1("adam", steps=2, lr=0.1, beta1=0.5, beta2=0.5, eps=0)
    x1 = 1 - 0.1 / math.sqrt(2)
    g2 = 2 * x1
    m2, v2 = 0.5 + 0.5 * g2, 1 + 0.5 * g2**2
    x2 = x1 - 0.1 * m2 / math.sqrt(v2)
    assert xs(sol) == pytest.approx([1, x1, x2], rel=1e-12)
    assert x2 == pytest.approx(0.8427397, abs=1e-7)


def test_lecture_adam_with_bias_correction():
    # --bias-correction (Kingma & Ba); beta1 = beta2 = 0.5, eps = 0, lr = 0.1
    # t1: m = 0.5*2 = 1, v = 0.5*4 = 2, m_hat = 1/0.5 = 2, v_hat = 2/0.5 = 4,
    #     x1 = 1 - 0.1*2/2 = 0.9
    # t2: g = 1.8, m = 0.5 + 0.9 = 1.4, v = 1 + 0.5*3.24 = 2.62,
    #     m_hat = 1.4/0.75 = 1.866667, v_hat = 2.62/0.75 = 3.493333,
    #     x2 = 0.9 - 0.1*1.866667/sqrt(3.493333) = 0.9 - 0.0998727 = 0.8001273
    sol = run1("adam", steps=2, lr=0.1, beta1=0.5, beta2=0.5, eps=0, bias_correction=True)
    x2 = 0.9 - 0.1 * (1.4 / 0.75) / math.sqrt(2.62 / 0.75)
    assert xs(sol) == pytest.approx([1, 0.9, x2], rel=1e-12)
    assert x2 == pytest.approx(0.8001273, abs=1e-7)
    assert any("Kingma & Ba" in n for n in sol.notes)
    assert "m_hat = m/(1-beta1^t)" in sol.steps[2].formula


def test_bias_correction_flag_elsewhere():
    # pytorch always bias-corrects: the flag changes nothing (and says so)
    plain = run1("adam", steps=2, convention="pytorch")
    flagged = run1("adam", steps=2, convention="pytorch", bias_correction=True)
    np.testing.assert_array_equal(plain["trajectory"], flagged["trajectory"])
    assert any("changes nothing" in n for n in flagged.notes)
    # another optimizer: ignored with a note
    sol = run1("sgd", steps=1, lr=0.1, bias_correction=True)
    assert xs(sol)[1] == pytest.approx(0.8)
    assert any("--bias-correction is not used by sgd" in n for n in sol.notes)


def test_lecture_defaults_from_contract():
    expected = {
        "sgd": {"lr": 0.01},
        "momentum": {"lr": 0.01, "momentum": 0.9},
        "nag": {"lr": 0.01, "momentum": 0.9},
        "adagrad": {"lr": 0.01, "eps": 1e-8},
        "adadelta": {"rho": 0.9, "eps": 1e-6},
        "rmsprop": {"lr": 0.001, "rho": 0.9, "eps": 1e-8},
        "adam": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    }
    for name, hp in expected.items():
        got = run1(name, steps=1)["hyperparameters"]
        assert got == {**hp, "weight_decay": 0}, name


# ---------------------------------------------------------------- PyTorch, reference


def grad_q(p: list[float]) -> list[float]:
    """f = x^2 + 3y^2 + xy: grad = (2x + y, 6y + x), worked by hand."""
    x, y = p
    return [2 * x + y, 6 * y + x]


Q = "x^2 + 3*y^2 + x*y"


def torch_reference(name: str, p0: list[float], steps: int, grad, **hp) -> list[list[float]]:
    """torch.optim's documented algorithms, coordinate by coordinate, in plain Python."""
    p = list(p0)
    out = [list(p)]
    n = len(p)
    state = {k: [0.0] * n for k in ("b", "sq", "acc", "m", "v", "buf")}
    wd = hp.get("weight_decay", 0.0)
    for t in range(1, steps + 1):
        g = [gi + wd * pi for gi, pi in zip(grad(p), p, strict=True)]
        for i in range(n):
            lr = hp["lr"]
            if name in ("sgd", "momentum", "nag"):
                mu, tau = hp.get("momentum", 0.0), hp.get("dampening", 0.0)
                d = g[i]
                if mu != 0:
                    b = d if t == 1 else mu * state["b"][i] + (1 - tau) * d
                    state["b"][i] = b
                    d = d + mu * b if name == "nag" else b
                p[i] -= lr * d
            elif name == "adagrad":
                state["sq"][i] += g[i] * g[i]
                p[i] -= lr * g[i] / (math.sqrt(state["sq"][i]) + hp["eps"])
            elif name == "adadelta":
                rho, eps = hp["rho"], hp["eps"]
                state["sq"][i] = rho * state["sq"][i] + (1 - rho) * g[i] ** 2
                dx = math.sqrt(state["acc"][i] + eps) / math.sqrt(state["sq"][i] + eps) * g[i]
                state["acc"][i] = rho * state["acc"][i] + (1 - rho) * dx**2
                p[i] -= lr * dx
            elif name == "rmsprop":
                alpha, eps, mu = hp["rho"], hp["eps"], hp.get("momentum", 0.0)
                state["sq"][i] = alpha * state["sq"][i] + (1 - alpha) * g[i] ** 2
                avg = math.sqrt(state["sq"][i]) + eps
                if mu > 0:
                    state["buf"][i] = mu * state["buf"][i] + g[i] / avg
                    p[i] -= lr * state["buf"][i]
                else:
                    p[i] -= lr * g[i] / avg
            elif name == "adam":
                b1, b2, eps = hp["beta1"], hp["beta2"], hp["eps"]
                state["m"][i] = b1 * state["m"][i] + (1 - b1) * g[i]
                state["v"][i] = b2 * state["v"][i] + (1 - b2) * g[i] ** 2
                step_size = lr / (1 - b1**t)
                denom = math.sqrt(state["v"][i]) / math.sqrt(1 - b2**t) + eps
                p[i] -= step_size * state["m"][i] / denom
        out.append(list(p))
    return out


PYTORCH_CASES = [
    ("sgd", {"lr": 0.05}),
    ("sgd", {"lr": 0.05, "weight_decay": 0.1}),
    ("momentum", {"lr": 0.05, "momentum": 0.8}),
    ("momentum", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}),
    ("nag", {"lr": 0.05, "momentum": 0.7}),
    ("nag", {"lr": 0.05, "momentum": 0.7, "weight_decay": 0.2}),
    ("adagrad", {"lr": 0.3, "eps": 1e-3}),
    ("adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-2}),
    ("rmsprop", {"lr": 0.02, "rho": 0.9, "eps": 1e-4}),
    ("rmsprop", {"lr": 0.02, "rho": 0.9, "eps": 1e-4, "momentum": 0.5}),
    ("adam", {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-3}),
    ("adam", {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-3, "weight_decay": 0.1}),
]


@pytest.mark.parametrize(("name", "hp"), PYTORCH_CASES)
def test_pytorch_matches_reference_on_f(name, hp):
    sol = optim(name=name, f=Q, start=np.array([1.0, -2.0]), steps=6, convention="pytorch", **hp)
    ref = torch_reference(name, [1.0, -2.0], 6, grad_q, **hp)
    np.testing.assert_allclose(sol["trajectory"], ref, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("name", "hp"), PYTORCH_CASES)
def test_pytorch_matches_reference_on_given_grads(name, hp):
    rows = [[0.5, -1.0], [0.25, 2.0], [-1.5, 0.5], [1.0, 1.0]]
    sol = optim(
        name=name,
        params=np.array([0.3, 0.7]),
        grads=np.array(rows),
        convention="pytorch",
        **hp,
    )
    it = iter(rows)
    ref = torch_reference(name, [0.3, 0.7], 4, lambda p: next(it), **hp)
    np.testing.assert_allclose(sol["trajectory"], ref, rtol=1e-12, atol=1e-14)
    assert "values" not in sol


def test_pytorch_defaults_match_torch():
    expected = {
        "sgd": {"lr": 1e-3},
        "adagrad": {"lr": 1e-2, "eps": 1e-10},
        "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
        "rmsprop": {"lr": 1e-2, "rho": 0.99, "eps": 1e-8, "momentum": 0.0},
        "adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    }
    for name, hp in expected.items():
        got = run1(name, steps=1, convention="pytorch")["hyperparameters"]
        assert got == {**hp, "weight_decay": 0}, name
    # with the defaults, one Adagrad step: 1 - 0.01*2/(sqrt(4) + 1e-10) (eps outside the root)
    sol = run1("adagrad", steps=1, convention="pytorch")
    assert xs(sol)[1] == pytest.approx(1 - 0.02 / (2 + 1e-10), rel=1e-15)
    # Adadelta's lr multiplies the step: lr 1 vs lr 0.5 halve the first move
    a = xs(run1("adadelta", steps=1, convention="pytorch"))[1] - 1
    b = xs(run1("adadelta", steps=1, convention="pytorch", lr=0.5))[1] - 1
    assert b == pytest.approx(a / 2, rel=1e-12)


def test_pytorch_nag_accepts_given_grads_and_needs_zero_dampening():
    sol = optim(
        name="nag", params=np.array([1.0]), grads=np.array([[1.0, 2.0]]), convention="pytorch"
    )
    # one parameter: a 1x2 row means two steps; b1 = 1, x1 = 1 - 1e-3*(1 + 0.9*1) = 0.9981
    assert xs(sol)[1] == pytest.approx(0.9981, rel=1e-12)
    with pytest.raises(InputError, match="--dampening"):
        run1("nag", convention="pytorch", dampening=0.1)


# ---------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None)
@given(
    a=st.floats(0.1, 5),
    lr=st.floats(0.001, 0.09),
    x0=st.floats(-5, 5),
    n=st.integers(1, 30),
)
def test_sgd_on_quadratic_is_geometric(a, lr, x0, n):
    # f = a x^2: x_t = (1 - 2 a lr)^t x0
    sol = optim(name="sgd", f=f"{a}*x^2", start=np.array([x0]), steps=n, lr=lr)
    assert xs(sol)[-1] == pytest.approx((1 - 2 * a * lr) ** n * x0, rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    g=st.lists(st.floats(0.01, 100) | st.floats(-100, -0.01), min_size=1, max_size=4),
    lr=st.floats(0.001, 1),
)
def test_adam_first_step_is_lr_times_sign(g, lr):
    # bias-corrected: m_hat_1 = g, v_hat_1 = g^2, so with eps = 0 the first move is lr*sign(g)
    p0 = np.zeros(len(g))
    sol = optim(name="adam", params=p0, grads=np.array([g]), lr=lr, eps=0, bias_correction=True)
    np.testing.assert_allclose(sol["trajectory"][1], -lr * np.sign(g), rtol=1e-12)
    # the slides' formula: m_1 = 0.1 g, v_1 = 0.001 g^2, so the move is lr*0.1/sqrt(0.001)*sign(g)
    sol = optim(name="adam", params=p0, grads=np.array([g]), lr=lr, eps=0)
    np.testing.assert_allclose(
        sol["trajectory"][1], -lr * 0.1 / math.sqrt(0.001) * np.sign(g), rtol=1e-12
    )


# ---------------------------------------------------------------- errors and limits


def test_divergence_is_a_computation_error():
    # x <- x - 2*2x = -3x: |x| grows as 3^t and overflows
    with pytest.raises(ComputationError, match="diverged"):
        run1("sgd", steps=2000, lr=2)


def test_leaving_the_domain_is_a_computation_error():
    with pytest.raises(ComputationError):
        optim(name="adam", f="log(x)", start=np.array([1.0]), steps=50, lr=0.5)


def test_nag_lecture_with_grads_explains_lookahead():
    with pytest.raises(InputError, match="--grads: NAG needs the gradient at the look-ahead"):
        optim(name="nag", params=np.array([1.0]), grads=np.array([[1.0]]))


@pytest.mark.parametrize(
    ("kwargs", "flag"),
    [
        ({"f": "x^2"}, "--start"),
        ({"f": "x^2", "start": np.array([1.0, 2.0])}, "--start"),
        ({"f": "x^2", "start": np.array([1.0]), "grads": np.array([[1.0]])}, "--grads"),
        ({"params": np.array([1.0])}, "--grads"),
        ({"params": np.array([1.0, 2.0]), "grads": np.array([[1.0, 2.0, 3.0]])}, "--grads"),
        ({"params": np.array([1.0]), "grads": np.array([[1.0]]), "steps": 2}, "--steps"),
        ({"start": np.array([1.0])}, "--start"),
        ({}, "--f"),
        ({"f": "x^2", "start": np.array([1.0]), "beta1": 1.0}, "--beta1"),
        ({"f": "x.real", "start": np.array([1.0])}, "--f"),
        ({"f": "log(x)", "start": np.array([-1.0])}, "--start"),  # f undefined at theta_0
        ({"f": "sqrt(x)", "start": np.array([0.0])}, "--start"),  # f' = 1/(2 sqrt(0))
    ],
)
def test_input_errors_name_the_flag(kwargs, flag):
    with pytest.raises(InputError) as info:
        optim(name="adam", **kwargs)
    assert str(info.value).startswith(flag), str(info.value)


def test_steps_cap():
    with pytest.raises(LimitError, match="--steps"):
        run1("sgd", steps=100_001)


# ---------------------------------------------------------------- working and compare


def test_working_shows_gradient_once_and_substituted_updates():
    sol = run1("momentum", steps=5, lr=0.1, momentum=0.9)
    grads = [s for s in sol.steps if s.title.startswith("Gradient")]
    assert len(grads) == 1 and grads[0].substituted == "2*x"
    subs = [s.substituted for s in sol.steps]
    assert "0.9*0 + 0.1*2" in subs  # v_1
    assert "0.9*0.2 + 0.1*1.6" in subs  # v_2
    assert "0.8 - 0.34" in subs  # theta_2
    assert not any(s.title.startswith("t=4") for s in sol.steps)  # first 3 steps in full
    (table,) = sol.tables
    assert len(table.rows) == 6


def test_compare_orders_and_flags_divergence():
    sol = optim_compare(
        f="x^2 + 10*y^2",
        start=np.array([1.0, 1.0]),
        steps=20,
        optimizers=["sgd,momentum", "adam"],
        lr=0.05,
        plot=True,
    )
    assert list(sol["final"]) == ["sgd", "momentum", "adam"]
    # sgd with lr 0.05 on 10y^2: y <- (1 - 0.05*20) y = 0: y is 0 after one step;
    # x <- 0.9 x: f = 0.9^40 after 20 steps
    assert sol["final"]["sgd"] == pytest.approx(0.9**40, rel=1e-12)
    assert sol["best"] == min(sol["final"], key=sol["final"].get)
    assert all(isinstance(p, Plot) for p in sol.plots) and len(sol.plots) == 2
    diverged = optim_compare(
        f="x^2", start=np.array([1.0]), steps=2000, optimizers=["sgd", "adam"], lr=2
    )
    assert diverged["final"]["sgd"] is None and diverged["best"] == "adam"


def test_compare_rejects_unknown_optimizer():
    with pytest.raises(InputError, match="--optimizers"):
        optim_compare(f="x^2", start=np.array([1.0]), optimizers=["adamw"])


def test_examples_run():
    for name in ("optim", "optim-compare"):
        op = ops.get(name)
        sol = ops.run(name, op.example)
        assert op.primary in sol


def test_compare_plot_draws_level_sets_of_f():
    # f = x^2 + y^2: the contour dots lie on (at most 4) circles, so their f values fall
    # into at most 4 tight clusters; the optimizer paths are drawn on top.
    from dlcalc.engine.optim.optimize import optim_compare

    sol = optim_compare(f="x^2 + y^2", start=np.array([1.0, 1.0]), steps=20, plot=True)
    series = {s[0]: s for s in sol.plots[-1].series}
    label, xs, ys, kind = series["levels of f"]
    assert kind == "scatter" and len(xs) > 20
    values = np.sort(np.square(xs) + np.square(ys))
    gaps = np.diff(values) > 0.15 * (values[-1] - values[0])
    assert 1 <= gaps.sum() + 1 <= 4
    assert {"sgd", "adam"} <= set(series)
