"""The classic slips of the recurrent-network calculators, as variant rules of their engines.

Each id is consulted by the engine with ``Working.slip(id)`` where it can show; the marker
(dlcalc.check) replays the engine under it and names the mistake when a student's numbers
match.
"""

from dlcalc.engine._working import Mistake

_HY = ("h", "y")
_RNN = {"x": "1,0.5,-1", "w_hh": 0.5, "w_hx": 1, "b_h": 0, "w_yh": 2}  # the op's example
# the op's example with a different output gate (there o = f, so o-for-f cannot show)
_LSTM_O = {
    "x": "1,2",
    "weights": {
        **{f"w_{g}{s}": 0.5 for g in "fioc" for s in "hx"},
        **{f"b_{g}": 0 for g in "fioc"},
        "w_ox": 1,
    },
}
_LSTM_RIGHT = "c_t = f_t * c_{t-1} + i_t * c~_t; h_t = o_t * tanh(c_t)"

MISTAKES: dict[str, tuple[Mistake, ...]] = {
    "rnn": (
        Mistake(
            "no-tanh",
            "the tanh was left out (h_t is the pre-activation)",
            "h_t = tanh(W_hh h_{t-1} + W_hx x_t + b_h)",
            _HY,
        ),
        Mistake(
            "no-bias",
            "the bias b_h is missing",
            "h_t = tanh(W_hh h_{t-1} + W_hx x_t + b_h)",
            _HY,
            example={**_RNN, "b_h": 0.5},
        ),
        Mistake(
            "h0-ignored",
            "the given initial state h_0 was taken as 0",
            "h_1 = tanh(W_hh h_0 + W_hx x_1 + b_h) with the given h_0",
            _HY,
            example={**_RNN, "h0": 0.5},
        ),
        Mistake(
            "no-recurrence",
            "the recurrent term W_hh h_{t-1} is missing",
            "h_t = tanh(W_hh h_{t-1} + W_hx x_t + b_h)",
            _HY,
        ),
        Mistake(
            "y-before-tanh",
            "the output was computed from the pre-activation instead of h_t",
            "y_t = W_yh h_t, h_t = tanh(a_t)",
            ("y",),
        ),
    ),
    "bptt": (
        Mistake(
            "no-recurrent-term",
            "h_{t-1} was treated as a constant: the w_hh dh_{t-1}/dw_hh term is missing",
            "dh_t/dw_hh = (tanh)'(a_t) (h_{t-1} + w_hh dh_{t-1}/dw_hh)",
            ("dh_dw", "grad"),
        ),
        Mistake(
            "no-tanh-prime",
            "the (tanh)' factors were left out",
            "dh_t/dw_hh = (1 - h_t^2) (h_{t-1} + w_hh dh_{t-1}/dw_hh)",
            ("dh_dw", "grad"),
        ),
        Mistake(
            "tanh-prime-of-a",
            "(tanh)'(a) was taken as 1 - a^2 instead of 1 - tanh(a)^2",
            "(tanh)'(a_t) = 1 - tanh(a_t)^2 = 1 - h_t^2",
            ("dh_dw", "grad"),
        ),
    ),
    "lstm": (
        Mistake(
            "o-for-f",
            "the output gate was used in place of the forget gate in the cell update",
            _LSTM_RIGHT,
            ("c", "h"),
            example=_LSTM_O,
        ),
        Mistake(
            "h-without-tanh",
            "h = o * c: the tanh of the cell is missing",
            _LSTM_RIGHT,
            ("h",),
        ),
        Mistake(
            "sigmoid-candidate",
            "the candidate cell used sigmoid instead of tanh",
            "c~_t = tanh(W_ch h_{t-1} + W_cx x_t + b_c); the gates use sigmoid",
            ("c_tilde", "c", "h"),
        ),
        Mistake(
            "no-input-gate",
            "the input gate is missing: c = f * c_prev + c~",
            _LSTM_RIGHT,
            ("c", "h"),
        ),
    ),
    "vanishing": (
        Mistake(
            "times-not-power",
            "F*N instead of F^N: the factors were added, not multiplied",
            "value = F^N (N factors of F multiplied)",
            ("value",),
        ),
        Mistake(
            "one-fewer-factor",
            "one factor too few: F^(N-1)",
            "value = F^N",
            ("value",),
        ),
        Mistake(
            "linear-growth",
            "the growth was taken as linear, 1 + N(F - 1), instead of compound",
            "value = F^N (for example 1.01^1000 = 20959, not 11)",
            ("value",),
        ),
    ),
}
