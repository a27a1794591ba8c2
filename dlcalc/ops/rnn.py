"""Recurrent networks: rnn, bptt, lstm, vanishing (CONTRACT section 2, "Recurrent networks")."""

from dlcalc.ops import REQUIRED, Op, Param

_X = Param(
    "x",
    "tensor",
    "inputs, one row per time step (T x d); a vector is T scalar inputs when d = 1",
    default=REQUIRED,
)

OPS = [
    Op(
        name="rnn",
        topic="rnn",
        func="dlcalc.engine.rnn.recurrent:rnn",
        summary="Forward pass of a simple RNN: hidden states and outputs per step.",
        description=(
            "h_t = tanh(W_hh h_{t-1} + W_hx x_t + b_h), y_t = W_yh h_t, h_0 = 0 unless --h0. "
            "Scalars give the slides' scalar RNN; matrices: W_hh HxH, W_hx Hxd, b_h H, W_yh OxH. "
            "Answer key: h (y is checked as y=...: the two have the same shape, so a bare "
            "answer cannot tell them apart)."
        ),
        params=(
            _X,
            Param("w_hh", "matrix", "recurrent weights W_hh (hidden x hidden)", default=REQUIRED),
            Param("w_hx", "matrix", "input weights W_hx (hidden x input)", default=REQUIRED),
            Param("b_h", "vector", "hidden bias b_h (hidden)", default=REQUIRED),
            Param("w_yh", "matrix", "output weights W_yh (outputs x hidden)", default=REQUIRED),
            Param("h0", "vector", "initial hidden state h_0 (default 0)"),
        ),
        result_keys=("h", "y"),
        answers=("h",),
        example={"x": "1,0.5,-1", "w_hh": 0.5, "w_hx": 1, "b_h": 0, "w_yh": 2},
    ),
    Op(
        name="bptt",
        topic="rnn",
        func="dlcalc.engine.rnn.recurrent:bptt",
        summary="Back-propagation through time in a scalar RNN: dE/dw_hh step by step.",
        description=(
            "Squared-error loss at the last step, E = 1/2 (y_T - target)^2; "
            "dh_t/dw_hh = (tanh)'(a_t) (h_{t-1} + w_hh dh_{t-1}/dw_hh) with dh_0/dw_hh = 0; "
            "dE/dw_hh = (y_T - target) w_yh dh_T/dw_hh. Shows the product of "
            "(tanh)' w_hh factors that makes gradients vanish or explode. Answer key: grad."
        ),
        params=(
            Param("x", "vector", "scalar inputs x_1 ... x_T", default=REQUIRED),
            Param("w_hh", "float", "recurrent weight w_hh", default=REQUIRED),
            Param("w_hx", "float", "input weight w_hx", default=REQUIRED),
            Param("b_h", "float", "hidden bias b_h", default="0"),
            Param("w_yh", "float", "output weight w_yh", default=REQUIRED),
            Param("target", "float", "target for y_T", default=REQUIRED),
            Param("h0", "float", "initial hidden state h_0", default="0"),
            Param(
                "loss",
                "choice",
                "half: E = 1/2 (y_T - target)^2; square: (y_T - target)^2",
                default="half",
                choices=("half", "square"),
            ),
        ),
        result_keys=(
            "grad",
            "loss",
            "y",
            "h",
            "dh_dw",
            "factors",
            "product",
            "contributions",
            "grad_w_hx",
            "grad_b_h",
            "grad_w_yh",
        ),
        answers=("grad",),
        example={"x": "1,0.5,-1", "w_hh": 0.5, "w_hx": 1, "b_h": 0, "w_yh": 2, "target": 1},
    ),
    Op(
        name="lstm",
        topic="rnn",
        func="dlcalc.engine.rnn.lstm:lstm",
        summary="LSTM forward pass: gates f, i, o, candidate c~, cell c and h per step.",
        description=(
            "f,i,o = sigmoid(W_*h h_{t-1} + W_*x x_t + b_*); c~ = tanh(W_ch h_{t-1} + W_cx x_t "
            "+ b_c); c = f*c_prev + i*c~; h = o*tanh(c). --weights is a JSON object (or @file) "
            "with keys w_fh w_fx b_f w_ih w_ix b_i w_oh w_ox b_o w_ch w_cx b_c; the slides' "
            "w_hh w_hx b_h are accepted for the candidate cell. Answer keys: h and c."
        ),
        params=(
            _X,
            Param(
                "weights",
                "parsed",
                "JSON object or @file: w_fh w_fx b_f w_ih w_ix b_i w_oh w_ox b_o w_ch w_cx b_c",
                default=REQUIRED,
                parser="dlcalc.parse.rnn:weights_param",
            ),
            Param("h0", "vector", "initial hidden state h_0 (default 0)"),
            Param("c0", "vector", "initial cell state c_0 (default 0)"),
        ),
        result_keys=("f", "i", "o", "c_tilde", "c", "h"),
        answers=("h", "c"),
        example={
            "x": "1,2",
            "weights": {
                "w_fh": 0.5,
                "w_fx": 0.5,
                "b_f": 0,
                "w_ih": 0.5,
                "w_ix": 0.5,
                "b_i": 0,
                "w_oh": 0.5,
                "w_ox": 0.5,
                "b_o": 0,
                "w_ch": 0.5,
                "w_cx": 0.5,
                "b_c": 0,
            },
        },
    ),
    Op(
        name="vanishing",
        topic="rnn",
        func="dlcalc.engine.rnn.recurrent:vanishing",
        summary="F^N: how a repeated gradient factor vanishes or explodes.",
        description=(
            "value = F^N; regime vanishing (|F| < 1), exploding (|F| > 1) or stable (|F| = 1). "
            "Beyond the float range the value is capped at +-1.797e308 with overflow = true; "
            "log10_abs = N log10|F| always gives the size (slides: 0.9^1000 ~ 0, 1.01^1000 ~ 21000). Answer key: value."
        ),
        params=(
            Param("factor", "float", "the factor F repeated at each step", default=REQUIRED),
            Param("steps", "int", "the number of steps N", default=REQUIRED, lo=0),
        ),
        result_keys=("value", "regime", "log10_abs", "overflow", "value_text"),
        answers=("value",),
        example={"factor": 1.01, "steps": 1000},
    ),
]
