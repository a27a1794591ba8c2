"""The seven update rules of the slides, in the lecture and the PyTorch conventions.

Lecture (slides; CONTRACT section 2 "Optimization"):

- sgd:      th -= lr g
- momentum: v = gamma v + lr g;  th -= v
- nag:      v = gamma v + lr grad(th - gamma v);  th -= v
- adagrad:  G += g^2;  th -= lr g / sqrt(G + eps)
- adadelta: E = rho E + (1-rho) g^2;  d = -sqrt(D + eps)/sqrt(E + eps) g;
            D = rho D + (1-rho) d^2;  th += d
- rmsprop:  E = rho E + (1-rho) g^2;  th -= lr g / sqrt(E + eps)
- adam:     m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  th -= lr m / sqrt(v + eps)
            (the slides' formula); with ``bias_correction`` Kingma & Ba's
            m_hat = m/(1-b1^t), v_hat = v/(1-b2^t);  th -= lr m_hat / (sqrt(v_hat) + eps)

PyTorch: the algorithms documented for ``torch.optim`` (SGD with momentum, dampening and
nesterov=True, Adagrad, Adadelta, RMSprop, Adam (always bias-corrected)), with torch's
defaults. Every rule optionally adds L2 weight decay to the gradient first (g += wd th),
as torch does.

Parameters and state are 1-D float arrays of the same length (one entry per variable).

Named values (for checking and follow-through; see :mod:`dlcalc.engine._working`), each
kept row by row with ``at`` = its step t, in this order within a step, and the working's
lines carry the same names:

- ``grads`` (row t-1: the gradient g_t used by step t, after weight decay; NAG's is the
  look-ahead gradient), ``lookahead`` (lecture NAG: theta_{t-1} - gamma v_{t-1});
- lecture: momentum/nag ``v``; adagrad ``G``; adadelta ``E`` (E[g^2]), ``delta``
  (dtheta_t), ``D`` (E[dtheta^2]); rmsprop ``E``; adam ``m``, ``v`` (and ``m_hat``,
  ``v_hat`` with bias correction);
- pytorch: momentum/nag ``b``; adagrad ``S``; adadelta ``v``, ``dx``, ``u``; rmsprop
  ``v`` (and ``b`` with momentum); adam ``m``, ``v``, ``m_hat``, ``v_hat``;
- then ``trajectory`` (row t: theta_t), kept by the caller.

Every value after a kept one is computed from the kept value, so a student's own m_1
carries into theta_1 and m_2. Variant rules (misconceptions, catalogued in
:mod:`dlcalc.engine.optim.mistakes`) are consulted with ``Working.slip`` where they apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dlcalc.engine._working import Working
from dlcalc.errors import ComputationError
from dlcalc.solution import Step, fmt

GradFn = Callable[[int, np.ndarray], np.ndarray]
Describe = Callable[[int, np.ndarray], str]


def as_row(value: Any, dim: int) -> np.ndarray:
    """A kept value (perhaps a student's number or list) as a 1-D float row of ``dim``."""
    arr = np.asarray(value, dtype=float)
    if arr.shape == (dim,):
        return arr
    try:
        return np.broadcast_to(arr.reshape(-1) if arr.size == dim else arr, (dim,)).copy()
    except ValueError:
        raise ComputationError(f"a row of {dim} value(s) was expected, got {arr.size}") from None


class Optimizer:
    """One optimizer's state; :meth:`step` applies one update and can explain it.

    grad(t, point) gives the gradient at ``point`` for step t; describe(t, point) the
    gradient with numbers substituted (used only when explaining). ``w``: the Working
    whose variant rules apply; ``track``: keep the named values in it (off when several
    optimizers share one Working, as in optim compare).
    """

    def __init__(
        self,
        name: str,
        convention: str,
        hp: dict[str, float],
        dim: int,
        *,
        bias_correction: bool = False,
        w: Working | None = None,
        track: bool = True,
    ) -> None:
        self.name, self.convention, self.hp, self.dim = name, convention, hp, dim
        # Adam: Kingma & Ba's bias correction (torch always applies it; the slides do not)
        self.bias_correction = bias_correction or convention == "pytorch"
        self.w, self.track = w, track and w is not None
        self.t = 0
        self.state: dict[str, np.ndarray] = {}
        self._rule = getattr(self, f"_{convention}_{name}", None) or getattr(self, f"_{name}")
        self.lines: list[Step] = []
        self.explain = False

    # ---------------------------------------------------------------- helpers

    def s(self, x: np.ndarray | float) -> str:
        """A value as written in the working: a scalar for one variable."""
        if isinstance(x, np.ndarray) and x.size == 1:
            return fmt(float(x.reshape(-1)[0]))
        return fmt(x)

    def line(
        self, what: str, formula: str, substituted: str, value: np.ndarray, name: str = ""
    ) -> None:
        if self.explain:
            shown = value[0] if value.size == 1 else value
            self.lines.append(Step(f"t={self.t}: {what}", formula, substituted, shown, name=name))

    def keep(self, name: str, value: np.ndarray, at: int | None = None) -> np.ndarray:
        """Row ``at`` (default: this step t) of the named value, as the replay has it."""
        if not self.track:
            return value
        assert self.w is not None
        return as_row(self.w.keep(name, value, at=self.t if at is None else at), self.dim)

    def slip(self, rule: str) -> bool:
        """True when this run is made under the misconception ``rule``."""
        return self.w is not None and self.w.slip(rule)

    def rate(self) -> float:
        """The learning rate, or 1 for a student who forgot it."""
        return 1.0 if self.slip("no-lr") else self.hp["lr"]

    def decay(self, rho: float) -> float:
        """The (1 - rho) of an exponential average, or 1 for a student who forgot it."""
        return 1.0 if self.slip("no-one-minus-rho") else 1 - rho

    def root(self, x: np.ndarray, eps: float, *, inside: bool) -> np.ndarray:
        """sqrt(x + eps) (``inside``) or sqrt(x) + eps, or the other under the slip."""
        if inside:
            return np.sqrt(x) + eps if self.slip("eps-outside-sqrt") else np.sqrt(x + eps)
        return np.sqrt(x + eps) if self.slip("eps-inside-sqrt") else np.sqrt(x) + eps

    def zeros(self, *keys: str) -> list[np.ndarray]:
        for k in keys:
            self.state.setdefault(k, np.zeros(self.dim))
        return [self.state[k] for k in keys]

    def grad(self, point: np.ndarray, grad: GradFn, describe: Describe, at: str) -> np.ndarray:
        t = self.t
        g = np.asarray(grad(t, point), dtype=float)
        wd = self.hp["weight_decay"]
        self.line(
            "gradient",
            f"g_{t} = grad f({at})",
            describe(t, point) if self.explain else "",
            g,
            "grad_f" if wd else "grads",
        )
        if wd:
            new = g + wd * point
            self.line(
                "weight decay",
                f"g_{t} = g_{t} + wd {at}",
                f"{self.s(g)} + {fmt(wd)}*{self.s(point)}",
                new,
                "grads",
            )
            g = new
        return self.keep("grads", g, at=t - 1)

    def step(
        self, theta: np.ndarray, grad: GradFn, describe: Describe, *, explain: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Apply update t (counting from 1); return (new theta, gradient used)."""
        self.t += 1
        self.explain, self.lines = explain, []
        with np.errstate(all="ignore"):
            new, g = self._rule(theta, grad, describe)
            ok = np.isfinite(new).all() and all(np.isfinite(v).all() for v in self.state.values())
        if not ok:
            raise ComputationError(
                f"{self.name} diverged at step {self.t}: the parameters or the optimizer state "
                "stopped being finite (overflow, or 0/0 with --eps 0); try a smaller --lr"
            )
        return new, g

    def theta_line(self, formula: str, substituted: str, value: np.ndarray) -> None:
        self.line(f"theta_{self.t}", formula, substituted, value, "trajectory")

    # ---------------------------------------------------------------- rules

    def _sgd(self, th, grad, describe):
        t, lr = self.t, self.rate()
        g = self.grad(th, grad, describe, f"theta_{t - 1}")
        new = th - lr * g
        self.theta_line(
            f"theta_{t} = theta_{t - 1} - eta g_{t}", f"{self.s(th)} - {fmt(lr)}*{self.s(g)}", new
        )
        return new, g

    def _lecture_momentum(self, th, grad, describe, lookahead: bool = False):
        """v_t = gamma v_{t-1} + eta g_t; theta_t = theta_{t-1} - v_t.

        NAG (``lookahead``) takes g_t at theta_{t-1} - gamma v_{t-1} instead of theta_{t-1}.
        """
        t, lr, mu = self.t, self.rate(), self.hp["momentum"]
        (v,) = self.zeros("v")
        if lookahead:
            point = th if self.slip("nag-grad-at-theta") else th - mu * v
            point = self.keep("lookahead", point)
            self.line(
                "look-ahead",
                f"ahead_{t} = theta_{t - 1} - gamma v_{t - 1}",
                f"{self.s(th)} - {fmt(mu)}*{self.s(v)}",
                point,
                "lookahead",
            )
            g = self.grad(point, grad, describe, f"theta_{t - 1} - gamma v_{t - 1}")
        else:
            g = self.grad(th, grad, describe, f"theta_{t - 1}")
        if self.slip("momentum-sign"):  # v = gamma v - eta g, then still theta -= v
            v_new = mu * v - lr * g
        else:
            v_new = mu * v + lr * g
        v_new = self.keep("v", v_new)
        self.line(
            f"v_{t}",
            f"v_{t} = gamma v_{t - 1} + eta g_{t}",
            f"{fmt(mu)}*{self.s(v)} + {fmt(lr)}*{self.s(g)}",
            v_new,
            "v",
        )
        new = th - v_new
        self.theta_line(
            f"theta_{t} = theta_{t - 1} - v_{t}", f"{self.s(th)} - {self.s(v_new)}", new
        )
        self.state["v"] = v_new
        return new, g

    def _lecture_nag(self, th, grad, describe):
        return self._lecture_momentum(th, grad, describe, lookahead=True)

    def _pytorch_momentum(self, th, grad, describe, nesterov: bool = False):
        t, lr, mu = self.t, self.rate(), self.hp["momentum"]
        tau = 0.0 if nesterov else self.hp.get("dampening", 0.0)
        g = self.grad(th, grad, describe, f"theta_{t - 1}")
        if t == 1:
            b = self.keep("b", g.copy())
            self.line("b_1", "b_1 = g_1", self.s(g), b, "b")
        else:
            b_old = self.state["b"]
            b = self.keep("b", mu * b_old + (1 - tau) * g)
            self.line(
                f"b_{t}",
                f"b_{t} = gamma b_{t - 1} + (1 - tau) g_{t}",
                f"{fmt(mu)}*{self.s(b_old)} + (1 - {fmt(tau)})*{self.s(g)}",
                b,
                "b",
            )
        self.state["b"] = b
        if nesterov:
            step = g + mu * b
            self.line(
                "Nesterov direction",
                f"g_{t} + gamma b_{t}",
                f"{self.s(g)} + {fmt(mu)}*{self.s(b)}",
                step,
                "direction",
            )
            formula = f"theta_{t} = theta_{t - 1} - eta (g_{t} + gamma b_{t})"
        else:
            step = b
            formula = f"theta_{t} = theta_{t - 1} - eta b_{t}"
        new = th - lr * step
        self.theta_line(formula, f"{self.s(th)} - {fmt(lr)}*{self.s(step)}", new)
        return new, g

    def _pytorch_nag(self, th, grad, describe):
        return self._pytorch_momentum(th, grad, describe, nesterov=True)

    def _adagrad(self, th, grad, describe):
        t, lr, eps = self.t, self.rate(), self.hp["eps"]
        lecture = self.convention == "lecture"
        (acc,) = self.zeros("G")
        g = self.grad(th, grad, describe, f"theta_{t - 1}")
        name = "G" if lecture else "S"
        acc_new = g * g if self.slip("adagrad-no-accumulate") else acc + g * g
        acc_new = self.keep(name, acc_new)
        self.line(
            f"{name}_{t}",
            f"{name}_{t} = {name}_{t - 1} + g_{t}^2",
            f"{self.s(acc)} + {self.s(g)}^2",
            acc_new,
            name,
        )
        new = th - lr * g / self.root(acc_new, eps, inside=lecture)
        if lecture:
            formula = f"theta_{t} = theta_{t - 1} - eta g_{t} / sqrt(G_{t} + eps)"
            sub = f"{self.s(th)} - {fmt(lr)}*{self.s(g)} / sqrt({self.s(acc_new)} + {fmt(eps)})"
        else:
            formula = f"theta_{t} = theta_{t - 1} - eta g_{t} / (sqrt(S_{t}) + eps)"
            sub = f"{self.s(th)} - {fmt(lr)}*{self.s(g)} / (sqrt({self.s(acc_new)}) + {fmt(eps)})"
        self.theta_line(formula, sub, new)
        self.state["G"] = acc_new
        return new, g

    def _adadelta(self, th, grad, describe):
        t, rho, eps = self.t, self.hp["rho"], self.hp["eps"]
        lecture = self.convention == "lecture"
        e_g, e_d = self.zeros("Eg2", "Edx2")
        g = self.grad(th, grad, describe, f"theta_{t - 1}")
        c = self.decay(rho)
        sq, acc = ("E[g^2]", "E[dx^2]") if lecture else ("v", "u")
        sq_name, acc_name, upd_name = ("E", "D", "delta") if lecture else ("v", "u", "dx")
        e_g_new = self.keep(sq_name, rho * e_g + c * g * g)
        self.line(
            f"{sq}_{t}",
            f"{sq}_{t} = rho {sq}_{t - 1} + (1 - rho) g_{t}^2",
            f"{fmt(rho)}*{self.s(e_g)} + (1 - {fmt(rho)})*{self.s(g)}^2",
            e_g_new,
            sq_name,
        )
        dx = self.root(e_d, eps, inside=True) / self.root(e_g_new, eps, inside=True) * g
        sub = (
            f"sqrt({self.s(e_d)} + {fmt(eps)}) / sqrt({self.s(e_g_new)} + {fmt(eps)}) * {self.s(g)}"
        )
        if lecture:
            delta = self.keep(upd_name, -dx)
            self.line(
                f"dtheta_{t}",
                f"dtheta_{t} = -sqrt({acc}_{t - 1} + eps) / sqrt({sq}_{t} + eps) g_{t}",
                "-" + sub,
                delta,
                upd_name,
            )
        else:
            delta = self.keep(upd_name, dx)
            self.line(
                f"dx_{t}",
                f"dx_{t} = sqrt(u_{t - 1} + eps) / sqrt(v_{t} + eps) g_{t}",
                sub,
                delta,
                upd_name,
            )
        e_d_new = self.keep(acc_name, rho * e_d + c * delta * delta)
        upd = "dtheta" if lecture else "dx"
        self.line(
            f"{acc}_{t}",
            f"{acc}_{t} = rho {acc}_{t - 1} + (1 - rho) {upd}_{t}^2",
            f"{fmt(rho)}*{self.s(e_d)} + (1 - {fmt(rho)})*{self.s(delta)}^2",
            e_d_new,
            acc_name,
        )
        if lecture:
            new = th + delta
            self.theta_line(
                f"theta_{t} = theta_{t - 1} + dtheta_{t}", f"{self.s(th)} + {self.s(delta)}", new
            )
        else:
            lr = self.rate()
            new = th - lr * delta
            self.theta_line(
                f"theta_{t} = theta_{t - 1} - eta dx_{t}",
                f"{self.s(th)} - {fmt(lr)}*{self.s(delta)}",
                new,
            )
        self.state["Eg2"], self.state["Edx2"] = e_g_new, e_d_new
        return new, g

    def _rmsprop(self, th, grad, describe):
        t, lr, rho, eps = self.t, self.rate(), self.hp["rho"], self.hp["eps"]
        lecture = self.convention == "lecture"
        (e_g,) = self.zeros("Eg2")
        g = self.grad(th, grad, describe, f"theta_{t - 1}")
        sq, sq_name = ("E[g^2]", "E") if lecture else ("v", "v")
        e_new = self.keep(sq_name, rho * e_g + self.decay(rho) * g * g)
        self.line(
            f"{sq}_{t}",
            f"{sq}_{t} = rho {sq}_{t - 1} + (1 - rho) g_{t}^2",
            f"{fmt(rho)}*{self.s(e_g)} + (1 - {fmt(rho)})*{self.s(g)}^2",
            e_new,
            sq_name,
        )
        self.state["Eg2"] = e_new
        if lecture:
            new = th - lr * g / self.root(e_new, eps, inside=True)
            formula = f"theta_{t} = theta_{t - 1} - eta g_{t} / sqrt({sq}_{t} + eps)"
            sub = f"{self.s(th)} - {fmt(lr)}*{self.s(g)} / sqrt({self.s(e_new)} + {fmt(eps)})"
            self.theta_line(formula, sub, new)
            return new, g
        denom = self.root(e_new, eps, inside=False)
        mu = self.hp["momentum"]
        if mu > 0:
            (buf,) = self.zeros("buf")
            buf_new = self.keep("b", mu * buf + g / denom)
            self.line(
                f"b_{t}",
                f"b_{t} = gamma b_{t - 1} + g_{t} / (sqrt(v_{t}) + eps)",
                f"{fmt(mu)}*{self.s(buf)} + {self.s(g)} / (sqrt({self.s(e_new)}) + {fmt(eps)})",
                buf_new,
                "b",
            )
            self.state["buf"] = buf_new
            new = th - lr * buf_new
            self.theta_line(
                f"theta_{t} = theta_{t - 1} - eta b_{t}",
                f"{self.s(th)} - {fmt(lr)}*{self.s(buf_new)}",
                new,
            )
            return new, g
        new = th - lr * g / denom
        formula = f"theta_{t} = theta_{t - 1} - eta g_{t} / (sqrt(v_{t}) + eps)"
        sub = f"{self.s(th)} - {fmt(lr)}*{self.s(g)} / (sqrt({self.s(e_new)}) + {fmt(eps)})"
        self.theta_line(formula, sub, new)
        return new, g

    def _adam(self, th, grad, describe):
        t, lr, eps = self.t, self.rate(), self.hp["eps"]
        b1, b2 = self.hp["beta1"], self.hp["beta2"]
        if self.slip("betas-swapped"):
            b1, b2 = b2, b1
        m, v = self.zeros("m", "v")
        g = self.grad(th, grad, describe, f"theta_{t - 1}")
        m_new = self.keep("m", b1 * m + (1 - b1) * g)
        self.line(
            f"m_{t}",
            f"m_{t} = beta1 m_{t - 1} + (1 - beta1) g_{t}",
            f"{fmt(b1)}*{self.s(m)} + (1 - {fmt(b1)})*{self.s(g)}",
            m_new,
            "m",
        )
        v_new = self.keep("v", b2 * v + (1 - b2) * g * g)
        self.line(
            f"v_{t}",
            f"v_{t} = beta2 v_{t - 1} + (1 - beta2) g_{t}^2",
            f"{fmt(b2)}*{self.s(v)} + (1 - {fmt(b2)})*{self.s(g)}^2",
            v_new,
            "v",
        )
        self.state["m"], self.state["v"] = m_new, v_new
        if self.bias_correction:
            corrected = not self.slip("adam-no-bias-correction")
        else:
            corrected = self.slip("adam-bias-corrected")
        slides_eps = not self.bias_correction  # eps where the formula asked for puts it
        if not corrected:
            m_hat, v_hat = m_new, v_new
        else:
            c1, c2 = 1 - b1**t, 1 - b2**t
            m_hat = self.keep("m_hat", m_new / c1)
            self.line(
                f"m_hat_{t}",
                f"m_hat_{t} = m_{t} / (1 - beta1^{t})",
                f"{self.s(m_new)} / (1 - {fmt(b1)}^{t})",
                m_hat,
                "m_hat",
            )
            v_hat = self.keep("v_hat", v_new / c2)
            self.line(
                f"v_hat_{t}",
                f"v_hat_{t} = v_{t} / (1 - beta2^{t})",
                f"{self.s(v_new)} / (1 - {fmt(b2)}^{t})",
                v_hat,
                "v_hat",
            )
        mm, vv = ("m_hat", "v_hat") if corrected else ("m", "v")
        if slides_eps:  # the slides: theta -= eta m / sqrt(v + eps)
            new = th - lr * m_hat / self.root(v_hat, eps, inside=True)
            self.theta_line(
                f"theta_{t} = theta_{t - 1} - eta {mm}_{t} / sqrt({vv}_{t} + eps)",
                f"{self.s(th)} - {fmt(lr)}*{self.s(m_hat)} / sqrt({self.s(v_hat)} + {fmt(eps)})",
                new,
            )
        else:
            new = th - lr * m_hat / self.root(v_hat, eps, inside=False)
            self.theta_line(
                f"theta_{t} = theta_{t - 1} - eta {mm}_{t} / (sqrt({vv}_{t}) + eps)",
                f"{self.s(th)} - {fmt(lr)}*{self.s(m_hat)} / (sqrt({self.s(v_hat)}) + {fmt(eps)})",
                new,
            )
        return new, g
