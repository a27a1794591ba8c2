"""Recurrent engines: hand-worked RNN/LSTM steps, loop references, BPTT vs finite differences."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc.engine.rnn import lstm as lstm_engine
from dlcalc.engine.rnn.lstm import KEYS
from dlcalc.engine.rnn.recurrent import bptt, rnn, vanishing
from dlcalc.errors import ComputationError, InputError
from dlcalc.parse.rnn import weights_param


def lstm(**kwargs):
    """--weights is parsed before the engine (dlcalc.parse.rnn), as the registry does."""
    kwargs["weights"] = weights_param(kwargs["weights"], "weights")
    return lstm_engine.lstm(**kwargs)


def _m(v) -> np.ndarray:
    return np.array([[float(v)]])


def _v(*vals) -> np.ndarray:
    return np.array(vals, dtype=float)


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


# ---------------------------------------------------------------- rnn


def test_rnn_scalar_one_step():
    # w_hh = 0.5, w_hx = 1, b_h = 0, w_yh = 2, x_1 = 1, h_0 = 0:
    # h_1 = tanh(0.5*0 + 1*1 + 0) = tanh(1) = 0.761594; y_1 = 2*0.761594 = 1.523188
    sol = rnn(x=_v(1), w_hh=_m(0.5), w_hx=_m(1), b_h=_v(0), w_yh=_m(2))
    assert sol["h"] == pytest.approx(np.array([[0.761594]]), abs=1e-6)
    assert sol["y"] == pytest.approx(np.array([[1.523188]]), abs=1e-6)


def test_rnn_scalar_two_steps():
    # t = 1 as above: h_1 = 0.761594
    # t = 2, x_2 = 0.5: a_2 = 0.5*0.761594 + 1*0.5 + 0 = 0.380797 + 0.5 = 0.880797
    #   h_2 = tanh(0.880797) = 0.706818; y_2 = 2*0.706818 = 1.413637
    sol = rnn(x=_v(1, 0.5), w_hh=_m(0.5), w_hx=_m(1), b_h=_v(0), w_yh=_m(2))
    assert sol["h"][:, 0] == pytest.approx([0.761594, 0.706818], abs=1e-6)
    assert sol["y"][:, 0] == pytest.approx([1.523188, 1.413637], abs=1e-6)
    assert [t.title for t in sol.tables] == ["Recurrence"]


def test_rnn_initial_state():
    # h_0 = 1: a_1 = 0.5*1 + 1*1 + 0 = 1.5; h_1 = tanh(1.5) = 0.905148
    sol = rnn(x=_v(1), w_hh=_m(0.5), w_hx=_m(1), b_h=_v(0), w_yh=_m(1), h0=_v(1))
    assert sol["h"][0, 0] == pytest.approx(0.905148, abs=1e-6)


def _rnn_reference(xs, w_hh, w_hx, b, w_yh, h0):
    """Unit-by-unit loops, written independently of the engine."""
    hidden, outputs = len(b), len(w_yh)
    h = list(h0)
    hs, ys = [], []
    for x in xs:
        new = []
        for j in range(hidden):
            a = b[j]
            a += sum(w_hh[j][k] * h[k] for k in range(hidden))
            a += sum(w_hx[j][i] * x[i] for i in range(len(x)))
            new.append(math.tanh(a))
        h = new
        hs.append(h)
        ys.append([sum(w_yh[o][k] * h[k] for k in range(hidden)) for o in range(outputs)])
    return np.array(hs), np.array(ys)


def test_rnn_vector_matches_loop_reference():
    rng = np.random.default_rng(5329)
    t_len, d, nh, no = 6, 3, 4, 2
    xs = rng.normal(size=(t_len, d))
    w_hh, w_hx = rng.normal(size=(nh, nh)) * 0.5, rng.normal(size=(nh, d))
    b, w_yh, h0 = rng.normal(size=nh), rng.normal(size=(no, nh)), rng.normal(size=nh)
    sol = rnn(x=xs, w_hh=w_hh, w_hx=w_hx, b_h=b, w_yh=w_yh, h0=h0)
    ref_h, ref_y = _rnn_reference(xs.tolist(), w_hh.tolist(), w_hx.tolist(), b, w_yh, h0)
    assert sol["h"] == pytest.approx(ref_h, abs=1e-12)
    assert sol["y"] == pytest.approx(ref_y, abs=1e-12)


def test_rnn_vector_of_hidden_weights_is_a_column():
    # H = 2, d = 1: W_hx given as the list [1, -1] is the column [[1], [-1]].
    # t = 1, x = 1: h = tanh([1, -1]) = [0.761594, -0.761594]; y = [1, 1] h = 0
    sol = rnn(
        x=_v(1), w_hh=np.eye(2), w_hx=np.array([[1.0, -1]]), b_h=_v(0, 0), w_yh=_v(1, 1)[None]
    )
    assert sol["h"][0] == pytest.approx([0.761594, -0.761594], abs=1e-6)
    assert sol["y"][0, 0] == pytest.approx(0, abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"w_hh": np.ones((2, 3))}, r"^--w-hh: expected HxH \(hidden x hidden\), got 2x3"),
        ({"w_hx": np.ones((3, 1))}, r"^--w-hx: expected 2x\? \(hidden x input\), got 3x1"),
        ({"b_h": _v(1, 2, 3)}, r"^--b-h: expected 2 values"),
        ({"w_yh": np.ones((1, 3))}, r"^--w-yh: expected \?x2 \(outputs x hidden\), got 1x3"),
        ({"h0": _v(1)}, r"^--h0: expected 2 values"),
        ({"x": np.ones((3, 2))}, r"^--x: expected T x 1 rows"),
    ],
)
def test_rnn_shape_errors_name_the_flag(kwargs, match):
    args = {"x": _v(1, 2), "w_hh": np.eye(2), "w_hx": np.ones((2, 1)), "b_h": _v(0, 0)}
    args["w_yh"] = np.ones((1, 2))
    args.update(kwargs)
    with pytest.raises(InputError, match=match):
        rnn(**args)


def test_rnn_overflow_is_a_computation_error():
    with pytest.raises(ComputationError):
        rnn(x=_v(1e308), w_hh=_m(1), w_hx=_m(1e308), b_h=_v(0), w_yh=_m(1))


# ---------------------------------------------------------------- bptt


def _loss(x, w_hh, w_hx, b_h, w_yh, target, h0=0.0):
    h = h0
    for xt in x:
        h = math.tanh(w_hh * h + w_hx * xt + b_h)
    return 0.5 * (w_yh * h - target) ** 2


def _central(f, v, eps=1e-6):
    return (f(v + eps) - f(v - eps)) / (2 * eps)


def test_bptt_two_steps_by_hand():
    # x = [1, 0.5], w_hh = 0.5, w_hx = 1, b_h = 0, w_yh = 2, target = 1, h_0 = 0
    # h_1 = tanh(1) = 0.761594, h_2 = tanh(0.880797) = 0.706818
    # dh_1/dw = (1 - h_1^2)(h_0 + w*0) = 0
    # dh_2/dw = (1 - h_2^2)(h_1 + 0.5*0) = (1 - 0.499592)*0.761594 = 0.500408*0.761594 = 0.381108
    # y_2 = 2*0.706818 = 1.413637; dE/dy = 0.413637; dE/dw = 0.413637*2*0.381108 = 0.315281
    sol = bptt(x=_v(1, 0.5), w_hh=0.5, w_hx=1.0, b_h=0.0, w_yh=2.0, target=1.0)
    assert sol["dh_dw"] == pytest.approx([0, 0.381108], abs=1e-6)
    assert sol["grad"] == pytest.approx(0.315281, abs=1e-6)
    assert sol["loss"] == pytest.approx(0.5 * 0.413637**2, abs=1e-6)
    # one factor (tanh)'(a_2) w_hh = 0.500408*0.5 = 0.250204
    assert sol["factors"] == pytest.approx([0.250204], abs=1e-6)
    assert sol["product"] == pytest.approx(0.250204, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    x=st.lists(st.floats(-2, 2), min_size=1, max_size=8),
    w_hh=st.floats(-1.5, 1.5),
    w_hx=st.floats(-1.5, 1.5),
    b_h=st.floats(-1, 1),
    w_yh=st.floats(-2, 2),
    target=st.floats(-2, 2),
    h0=st.floats(-0.9, 0.9),
)
def test_bptt_equals_central_finite_difference(x, w_hh, w_hx, b_h, w_yh, target, h0):
    sol = bptt(x=np.array(x), w_hh=w_hh, w_hx=w_hx, b_h=b_h, w_yh=w_yh, target=target, h0=h0)
    args = {"x": x, "w_hh": w_hh, "w_hx": w_hx, "b_h": b_h, "w_yh": w_yh, "target": target}
    for key, result in [("w_hh", "grad"), ("w_hx", "grad_w_hx"), ("b_h", "grad_b_h")]:
        fd = _central(lambda v, key=key: _loss(**{**args, key: v}, h0=h0), args[key])
        assert sol[result] == pytest.approx(fd, rel=1e-5, abs=1e-7), key
    fd = _central(lambda v: _loss(**{**args, "w_yh": v}, h0=h0), w_yh)
    assert sol["grad_w_yh"] == pytest.approx(fd, rel=1e-5, abs=1e-7)
    # the unrolled sum over steps equals the recursion, and the product is of the factors
    assert sum(sol["contributions"]) == pytest.approx(sol["grad"], rel=1e-9, abs=1e-12)
    assert sol["product"] == pytest.approx(float(np.prod(sol["factors"])), rel=1e-9, abs=1e-300)


def test_bptt_square_loss_doubles_the_gradient():
    args = {"x": _v(1, 0.5, -1), "w_hh": 0.8, "w_hx": 1.0, "b_h": 0.1, "w_yh": 2.0, "target": 1}
    half, full = bptt(**args), bptt(**args, loss="square")
    assert full["grad"] == pytest.approx(2 * half["grad"])
    assert full["loss"] == pytest.approx(2 * half["loss"])


def test_bptt_long_sequence_vanishes():
    # w_hh = 0.5: each factor is at most 0.5, so 50 steps give at most 0.5^49 = 1.8e-15
    sol = bptt(x=np.full(50, 0.1), w_hh=0.5, w_hx=1.0, b_h=0.0, w_yh=1.0, target=1.0)
    assert abs(sol["product"]) <= 0.5**49
    assert abs(sol["contributions"][0]) < 1e-14
    assert any("vanishes" in n for n in sol.notes)


def test_bptt_overflow_is_a_computation_error():
    with pytest.raises(ComputationError):
        bptt(x=_v(1), w_hh=1.0, w_hx=1.0, b_h=0.0, w_yh=1e300, target=-1e300)


# ---------------------------------------------------------------- lstm


def _weights(**over):
    w = {
        "w_fh": 1.0, "w_fx": 0.0, "b_f": 0.0,
        "w_ih": 0.5, "w_ix": 2.0, "b_i": -2.0,
        "w_oh": -1.0, "w_ox": 1.0, "b_o": 0.0,
        "w_ch": 2.0, "w_cx": 1.0, "b_c": 0.0,
    }  # fmt: skip
    w.update(over)
    return w


def test_lstm_scalar_one_step():
    # x_1 = 1, h_0 = c_0 = 0
    # z_f = 1*0 + 0*1 + 0 = 0          -> f = sigmoid(0) = 0.5
    # z_i = 0.5*0 + 2*1 - 2 = 0        -> i = 0.5
    # z_o = -1*0 + 1*1 + 0 = 1         -> o = sigmoid(1) = 0.731059
    # z_c = 2*0 + 1*1 + 0 = 1          -> c~ = tanh(1) = 0.761594
    # c_1 = 0.5*0 + 0.5*0.761594 = 0.380797
    # h_1 = 0.731059*tanh(0.380797) = 0.731059*0.363399 = 0.265666
    sol = lstm(x=_v(1), weights=_weights())
    assert sol["f"][0, 0] == pytest.approx(0.5)
    assert sol["i"][0, 0] == pytest.approx(0.5)
    assert sol["o"][0, 0] == pytest.approx(0.731059, abs=1e-6)
    assert sol["c_tilde"][0, 0] == pytest.approx(0.761594, abs=1e-6)
    assert sol["c"][0, 0] == pytest.approx(0.380797, abs=1e-6)
    assert sol["h"][0, 0] == pytest.approx(0.265666, abs=1e-6)


def test_lstm_scalar_two_steps():
    # t = 1 as above: h_1 = 0.265666, c_1 = 0.380797. t = 2, x_2 = 0.5:
    # z_f = 1*0.265666 + 0*0.5 + 0       = 0.265666  -> f = 1/(1 + e^-0.265666) = 0.566029
    # z_i = 0.5*0.265666 + 2*0.5 - 2     = -0.867167 -> i = 0.295844
    # z_o = -1*0.265666 + 1*0.5 + 0      = 0.234334  -> o = 0.558317
    # z_c = 2*0.265666 + 1*0.5 + 0       = 1.031333  -> c~ = tanh(1.031333) = 0.774442
    # c_2 = 0.566029*0.380797 + 0.295844*0.774442 = 0.215542 + 0.229114 = 0.444656
    # h_2 = 0.558317*tanh(0.444656) = 0.558317*0.417497 = 0.233095
    sol = lstm(x=_v(1, 0.5), weights=_weights())
    assert sol["f"][:, 0] == pytest.approx([0.5, 0.566029], abs=1e-6)
    assert sol["i"][:, 0] == pytest.approx([0.5, 0.295844], abs=1e-6)
    assert sol["o"][:, 0] == pytest.approx([0.731059, 0.558317], abs=1e-6)
    assert sol["c_tilde"][:, 0] == pytest.approx([0.761594, 0.774442], abs=1e-6)
    assert sol["c"][:, 0] == pytest.approx([0.380797, 0.444656], abs=1e-6)
    assert sol["h"][:, 0] == pytest.approx([0.265666, 0.233095], abs=1e-6)


def test_lstm_working_names_each_pre_activation():
    sol = lstm(x=_v(1), weights=_weights())
    formulas = [s.formula for s in sol.steps]
    for gate in "fioc":
        assert any(
            f.startswith(f"z_{gate} = W_{gate}h h_0 + W_{gate}x x_1 + b_{gate}") for f in formulas
        )
    assert "c_1 = f_1 * c_0 + i_1 * c~_1" in formulas
    assert "h_1 = o_1 * tanh(c_1)" in formulas


def _lstm_reference(xs, w, h0, c0):
    """Unit-by-unit loops, written independently of the engine."""
    nh = len(h0)
    h, c = list(h0), list(c0)
    rows = {k: [] for k in ("f", "i", "o", "c_tilde", "c", "h")}
    for x in xs:

        def pre(g, j, h=h, x=x):
            z = w[f"b_{g}"][j]
            z += sum(w[f"w_{g}h"][j][k] * h[k] for k in range(nh))
            return z + sum(w[f"w_{g}x"][j][i] * x[i] for i in range(len(x)))

        f = [_sigmoid(pre("f", j)) for j in range(nh)]
        i = [_sigmoid(pre("i", j)) for j in range(nh)]
        o = [_sigmoid(pre("o", j)) for j in range(nh)]
        ct = [math.tanh(pre("c", j)) for j in range(nh)]
        c = [f[j] * c[j] + i[j] * ct[j] for j in range(nh)]
        h = [o[j] * math.tanh(c[j]) for j in range(nh)]
        for key, val in zip(rows, (f, i, o, ct, c, h), strict=True):
            rows[key].append(val)
    return {k: np.array(v) for k, v in rows.items()}


def test_lstm_vector_matches_loop_reference():
    rng = np.random.default_rng(7)
    t_len, d, nh = 5, 2, 3
    xs = rng.normal(size=(t_len, d))
    w = {}
    for g in "fioc":
        w[f"w_{g}h"] = rng.normal(size=(nh, nh)).tolist()
        w[f"w_{g}x"] = rng.normal(size=(nh, d)).tolist()
        w[f"b_{g}"] = rng.normal(size=nh).tolist()
    h0, c0 = rng.normal(size=nh), rng.normal(size=nh)
    sol = lstm(x=xs, weights=w, h0=h0, c0=c0)
    ref = _lstm_reference(xs.tolist(), w, h0.tolist(), c0.tolist())
    for key in ("f", "i", "o", "c_tilde", "c", "h"):
        assert sol[key].shape == (t_len, nh)
        assert sol[key] == pytest.approx(ref[key], abs=1e-12), key


def test_lstm_slides_names_for_candidate():
    w = _weights()
    slides = {k: v for k, v in w.items() if not k.endswith("c") and k[:3] not in ("w_c",)}
    slides.update({"w_hh": w["w_ch"], "w_hx": w["w_cx"], "b_h": w["b_c"]})
    a, b = lstm(x=_v(1, 0.5), weights=w), lstm(x=_v(1, 0.5), weights=slides)
    assert np.array_equal(a["h"], b["h"])
    assert any("w_hh read as w_ch" in n for n in b.notes)
    with pytest.raises(InputError, match="w_ch or the slides' name w_hh"):
        lstm(x=_v(1), weights={**w, "w_hh": 1})


@pytest.mark.parametrize("key", KEYS)
def test_lstm_missing_key_is_named(key):
    w = _weights()
    del w[key]
    with pytest.raises(InputError, match=f"^--weights: missing key '{key}'"):
        lstm(x=_v(1), weights=w)


@pytest.mark.parametrize(
    ("over", "match"),
    [
        ({"w_fh": [[1, 0], [0, 1]], "w_ix": [1, 2]}, r"^--weights: w_fx: expected 2x"),
        ({"w_ih": [[1, 2]]}, r"^--weights: w_ih: expected 1x1 \(hidden x hidden\), got 1x2"),
        ({"w_ox": [1, 2]}, r"^--weights: w_ox: expected 1x1 \(hidden x input\), got 1x2"),
        ({"b_c": [1, 2]}, r"^--weights: b_c: expected 1 values"),
        ({"w_fh": [1, 2]}, r"^--weights: w_fh: expected HxH"),
        ({"b_o": "abc"}, r"^--weights: b_o: expected a number"),
        ({"w_xx": 1}, r"^--weights: unknown key 'w_xx'"),
    ],
)
def test_lstm_weight_errors_name_the_key(over, match):
    with pytest.raises(InputError, match=match):
        lstm(x=_v(1), weights=_weights(**over))


def test_lstm_weights_must_be_an_object():
    with pytest.raises(InputError, match="^--weights: expected a JSON object"):
        lstm(x=_v(1), weights=[1, 2, 3])


def test_lstm_state_shape_errors():
    with pytest.raises(InputError, match="^--h0: expected 1 values"):
        lstm(x=_v(1), weights=_weights(), h0=_v(1, 2))
    with pytest.raises(InputError, match="^--c0"):
        lstm(x=_v(1), weights=_weights(), c0=_v(1, 2))
    with pytest.raises(InputError, match=r"^--x: expected T x 1 rows"):
        lstm(x=np.ones((2, 2)), weights=_weights())


def test_lstm_stable_sigmoid_for_huge_pre_activations():
    # z_f = +-1000: sigmoid without overflow warnings (pytest turns them into errors)
    sol = lstm(x=_v(1, -1), weights=_weights(w_fx=1000.0, w_ox=-1000.0))
    assert sol["f"][:, 0] == pytest.approx([1, 0])
    assert sol["o"][:, 0] == pytest.approx([0, 1])
    json.dumps({k: v.tolist() for k, v in sol.result.items()}, allow_nan=False)


def test_lstm_100_steps_shapes_and_compact_working():
    # speed is measured by benchmarks/engine.py, not asserted here (timed tests flake)
    rng = np.random.default_rng(0)
    nh, d = 64, 32
    w = {}
    for g in "fioc":
        w[f"w_{g}h"] = rng.normal(size=(nh, nh)) * 0.1
        w[f"w_{g}x"] = rng.normal(size=(nh, d)) * 0.1
        w[f"b_{g}"] = np.zeros(nh)
    sol = lstm(x=rng.normal(size=(100, d)), weights=w)
    assert sol["h"].shape == (100, nh)
    assert any("first 4 of 100 steps" in n for n in sol.notes)


# ---------------------------------------------------------------- vanishing


def test_vanishing_slides_examples():
    # Slides: 0.9^1000 ~ 0 and 1.01^1000 ~ 21000 (exactly 20959.16: e^(1000 ln 1.01) = e^9.95033)
    small = vanishing(factor=0.9, steps=1000)
    assert small["regime"] == "vanishing"
    # 0.9^1000 = 10^(1000 log10 0.9) = 10^-45.757491 = 10^0.242509 * 10^-46 = 1.7479e-46
    assert small["value"] == pytest.approx(1.7479e-46, rel=1e-4)
    assert small["log10_abs"] == pytest.approx(1000 * math.log10(0.9))
    big = vanishing(factor=1.01, steps=1000)
    assert big["regime"] == "exploding"
    assert big["value"] == pytest.approx(20959.16, rel=1e-6)
    assert big["value"] == pytest.approx(21000, rel=1e-2)  # the slides' rounding
    assert big["overflow"] is False


@pytest.mark.parametrize(
    ("factor", "steps", "value", "regime"),
    [
        (1.5, 5, 7.59375, "exploding"),  # 1.5^5 = 2.25^2 * 1.5 = 5.0625*1.5
        (1.0, 10**9, 1.0, "stable"),
        (-2.0, 3, -8.0, "exploding"),
        (-0.5, 2, 0.25, "vanishing"),
        (0.0, 5, 0.0, "vanishing"),
        (0.0, 0, 1.0, "vanishing"),
        (3.0, 0, 1.0, "exploding"),
    ],
)
def test_vanishing_small_cases(factor, steps, value, regime):
    sol = vanishing(factor=factor, steps=steps)
    assert sol["value"] == pytest.approx(value)
    assert sol["regime"] == regime


def test_vanishing_overflow_is_exact_as_text_never_a_capped_float():
    # 10^1000 is beyond floats: no float value (null, not a capped 1.8e308 that --check
    # would accept), the exact size as text and log10; JSON stays finite (issue 17 defect 12)
    sol = vanishing(factor=10.0, steps=1000)
    assert sol["overflow"] is True
    assert sol["value"] is None and sol["value_text"] == "1.0000e+1000"
    assert sol["log10_abs"] == pytest.approx(1000)
    assert "1.0000e+1000" in sol.steps[0].value
    json.dumps(sol.result, allow_nan=False)
    # 1.01^100000: log10 = 100000 * log10(1.01) = 432.137, so 1.3721e+432
    big = vanishing(factor=1.01, steps=100000)
    assert big["value_text"] == "1.3721e+432" and big["log10_abs"] == pytest.approx(
        432.1374, abs=1e-4
    )
    neg = vanishing(factor=-10.0, steps=1001)
    assert neg["value"] is None and neg["value_text"] == "-1.0000e+1001"


def test_vanishing_underflow_reports_log10():
    sol = vanishing(factor=0.5, steps=5000)  # 2^-5000: 0 in floating point
    assert sol["value"] == 0.0
    assert sol["log10_abs"] == pytest.approx(-5000 * math.log10(2))
    assert any("underflows" in n for n in sol.notes)
    assert vanishing(factor=0.0, steps=3)["log10_abs"] is None
