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
defaults. Every rule
optionally adds L2 weight decay to the gradient first (g += wd th), as torch does.

Parameters and state are 1-D float arrays of the same length (one entry per variable).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dlcalc.errors import ComputationError
from dlcalc.solution import Step, fmt

GradFn = Callable[[int, np.ndarray], np.ndarray]
Describe = Callable[[int, np.ndarray], str]


class Optimizer:
    """One optimizer's state; :meth:`step` applies one update and can explain it.

    grad(t, point) gives the gradient at ``point`` for step t; describe(t, point) the
    gradient with numbers substituted (used only when explaining).
    """

    def __init__(
        self,
        name: str,
        convention: str,
        hp: dict[str, float],
        dim: int,
        *,
        bias_correction: bool = False,
    ) -> None:
        self.name, self.convention, self.hp, self.dim = name, convention, hp, dim
        # Adam: Kingma & Ba's bias correction (torch always applies it; the slides do not)
        self.bias_correction = bias_correction or convention == "pytorch"
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

    def line(self, what: str, formula: str, substituted: str, value: np.ndarray) -> None:
        if self.explain:
            shown = value[0] if value.size == 1 else value
            self.lines.append(Step(f"t={self.t}: {what}", formula, substituted, shown))

    def zeros(self, *keys: str) -> list[np.ndarray]:
        for k in keys:
            self.state.setdefault(k, np.zeros(self.dim))
        return [self.state[k] for k in keys]

    def grad(self, point: np.ndarray, grad: GradFn, describe: Describe, at: str) -> np.ndarray:
        t = self.t
        g = np.asarray(grad(t, point), dtype=float)
        self.line(
            "gradient", f"g_{t} = grad f({at})", describe(t, point) if self.explain else "", g
        )
        wd = self.hp["weight_decay"]
        if wd:
            new = g + wd * point
            self.line(
                "weight decay",
                f"g_{t} = g_{t} + wd {at}",
                f"{self.s(g)} + {fmt(wd)}*{self.s(point)}",
                new,
            )
            g = new
        return g

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
        self.line(f"theta_{self.t}", formula, substituted, value)

    # ---------------------------------------------------------------- rules

    def _sgd(self, th, grad, describe):
        t, lr = self.t, self.hp["lr"]
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
        t, lr, mu = self.t, self.hp["lr"], self.hp["momentum"]
        (v,) = self.zeros("v")
        if lookahead:
            point = th - mu * v
            self.line(
                "look-ahead",
                f"ahead_{t} = theta_{t - 1} - gamma v_{t - 1}",
                f"{self.s(th)} - {fmt(mu)}*{self.s(v)}",
                point,
            )
            g = self.grad(point, grad, describe, f"theta_{t - 1} - gamma v_{t - 1}")
        else:
            g = self.grad(th, grad, describe, f"theta_{t - 1}")
        v_new = mu * v + lr * g
        self.line(
            f"v_{t}",
            f"v_{t} = gamma v_{t - 1} + eta g_{t}",
            f"{fmt(mu)}*{self.s(v)} + {fmt(lr)}*{self.s(g)}",
            v_new,
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
        t, lr, mu = self.t, self.hp["lr"], self.hp["momentum"]
        tau = 0.0 if nesterov else self.hp.get("dampening", 0.0)
        g = self.grad(th, grad, describe, f"theta_{t - 1}")
        if t == 1:
            b = g.copy()
            self.line("b_1", "b_1 = g_1", self.s(g), b)
        else:
            b_old = self.state["b"]
            b = mu * b_old + (1 - tau) * g
            self.line(
                f"b_{t}",
                f"b_{t} = gamma b_{t - 1} + (1 - tau) g_{t}",
                f"{fmt(mu)}*{self.s(b_old)} + (1 - {fmt(tau)})*{self.s(g)}",
                b,
            )
        self.state["b"] = b
        if nesterov:
            step = g + mu * b
            self.line(
                "Nesterov direction",
                f"g_{t} + gamma b_{t}",
                f"{self.s(g)} + {fmt(mu)}*{self.s(b)}",
                step,
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
        t, lr, eps = self.t, self.hp["lr"], self.hp["eps"]
        lecture = self.convention == "lecture"
        (acc,) = self.zeros("G")
        g = self.grad(th, grad, describe, f"theta_{t - 1}")
        acc_new = acc + g * g
        name = "G" if lecture else "S"
        self.line(
            f"{name}_{t}",
            f"{name}_{t} = {name}_{t - 1} + g_{t}^2",
            f"{self.s(acc)} + {self.s(g)}^2",
            acc_new,
        )
        if lecture:
            new = th - lr * g / np.sqrt(acc_new + eps)
            formula = f"theta_{t} = theta_{t - 1} - eta g_{t} / sqrt(G_{t} + eps)"
            sub = f"{self.s(th)} - {fmt(lr)}*{self.s(g)} / sqrt({self.s(acc_new)} + {fmt(eps)})"
        else:
            new = th - lr * g / (np.sqrt(acc_new) + eps)
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
        e_g_new = rho * e_g + (1 - rho) * g * g
        sq, acc = ("E[g^2]", "E[dx^2]") if lecture else ("v", "u")
        self.line(
            f"{sq}_{t}",
            f"{sq}_{t} = rho {sq}_{t - 1} + (1 - rho) g_{t}^2",
            f"{fmt(rho)}*{self.s(e_g)} + (1 - {fmt(rho)})*{self.s(g)}^2",
            e_g_new,
        )
        dx = np.sqrt(e_d + eps) / np.sqrt(e_g_new + eps) * g
        sub = (
            f"sqrt({self.s(e_d)} + {fmt(eps)}) / sqrt({self.s(e_g_new)} + {fmt(eps)}) * {self.s(g)}"
        )
        if lecture:
            delta = -dx
            self.line(
                f"dtheta_{t}",
                f"dtheta_{t} = -sqrt({acc}_{t - 1} + eps) / sqrt({sq}_{t} + eps) g_{t}",
                "-" + sub,
                delta,
            )
        else:
            delta = dx
            self.line(
                f"dx_{t}", f"dx_{t} = sqrt(u_{t - 1} + eps) / sqrt(v_{t} + eps) g_{t}", sub, delta
            )
        e_d_new = rho * e_d + (1 - rho) * delta * delta
        upd = "dtheta" if lecture else "dx"
        self.line(
            f"{acc}_{t}",
            f"{acc}_{t} = rho {acc}_{t - 1} + (1 - rho) {upd}_{t}^2",
            f"{fmt(rho)}*{self.s(e_d)} + (1 - {fmt(rho)})*{self.s(delta)}^2",
            e_d_new,
        )
        if lecture:
            new = th + delta
            self.theta_line(
                f"theta_{t} = theta_{t - 1} + dtheta_{t}", f"{self.s(th)} + {self.s(delta)}", new
            )
        else:
            lr = self.hp["lr"]
            new = th - lr * delta
            self.theta_line(
                f"theta_{t} = theta_{t - 1} - eta dx_{t}",
                f"{self.s(th)} - {fmt(lr)}*{self.s(delta)}",
                new,
            )
        self.state["Eg2"], self.state["Edx2"] = e_g_new, e_d_new
        return new, g

    def _rmsprop(self, th, grad, describe):
        t, lr, rho, eps = self.t, self.hp["lr"], self.hp["rho"], self.hp["eps"]
        lecture = self.convention == "lecture"
        (e_g,) = self.zeros("Eg2")
        g = self.grad(th, grad, describe, f"theta_{t - 1}")
        e_new = rho * e_g + (1 - rho) * g * g
        sq = "E[g^2]" if lecture else "v"
        self.line(
            f"{sq}_{t}",
            f"{sq}_{t} = rho {sq}_{t - 1} + (1 - rho) g_{t}^2",
            f"{fmt(rho)}*{self.s(e_g)} + (1 - {fmt(rho)})*{self.s(g)}^2",
            e_new,
        )
        self.state["Eg2"] = e_new
        if lecture:
            new = th - lr * g / np.sqrt(e_new + eps)
            formula = f"theta_{t} = theta_{t - 1} - eta g_{t} / sqrt({sq}_{t} + eps)"
            sub = f"{self.s(th)} - {fmt(lr)}*{self.s(g)} / sqrt({self.s(e_new)} + {fmt(eps)})"
            self.theta_line(formula, sub, new)
            return new, g
        denom = np.sqrt(e_new) + eps
        mu = self.hp["momentum"]
        if mu > 0:
            (buf,) = self.zeros("buf")
            buf_new = mu * buf + g / denom
            self.line(
                f"b_{t}",
                f"b_{t} = gamma b_{t - 1} + g_{t} / (sqrt(v_{t}) + eps)",
                f"{fmt(mu)}*{self.s(buf)} + {self.s(g)} / (sqrt({self.s(e_new)}) + {fmt(eps)})",
                buf_new,
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
        t, lr, eps = self.t, self.hp["lr"], self.hp["eps"]
        b1, b2 = self.hp["beta1"], self.hp["beta2"]
        m, v = self.zeros("m", "v")
        g = self.grad(th, grad, describe, f"theta_{t - 1}")
        m_new = b1 * m + (1 - b1) * g
        self.line(
            f"m_{t}",
            f"m_{t} = beta1 m_{t - 1} + (1 - beta1) g_{t}",
            f"{fmt(b1)}*{self.s(m)} + (1 - {fmt(b1)})*{self.s(g)}",
            m_new,
        )
        v_new = b2 * v + (1 - b2) * g * g
        self.line(
            f"v_{t}",
            f"v_{t} = beta2 v_{t - 1} + (1 - beta2) g_{t}^2",
            f"{fmt(b2)}*{self.s(v)} + (1 - {fmt(b2)})*{self.s(g)}^2",
            v_new,
        )
        if not self.bias_correction:  # the slides: theta -= eta m / sqrt(v + eps)
            new = th - lr * m_new / np.sqrt(v_new + eps)
            self.theta_line(
                f"theta_{t} = theta_{t - 1} - eta m_{t} / sqrt(v_{t} + eps)",
                f"{self.s(th)} - {fmt(lr)}*{self.s(m_new)} / sqrt({self.s(v_new)} + {fmt(eps)})",
                new,
            )
            self.state["m"], self.state["v"] = m_new, v_new
            return new, g
        c1, c2 = 1 - b1**t, 1 - b2**t
        m_hat, v_hat = m_new / c1, v_new / c2
        self.line(
            f"m_hat_{t}",
            f"m_hat_{t} = m_{t} / (1 - beta1^{t})",
            f"{self.s(m_new)} / (1 - {fmt(b1)}^{t})",
            m_hat,
        )
        self.line(
            f"v_hat_{t}",
            f"v_hat_{t} = v_{t} / (1 - beta2^{t})",
            f"{self.s(v_new)} / (1 - {fmt(b2)}^{t})",
            v_hat,
        )
        new = th - lr * m_hat / (np.sqrt(v_hat) + eps)
        self.theta_line(
            f"theta_{t} = theta_{t - 1} - eta m_hat_{t} / (sqrt(v_hat_{t}) + eps)",
            f"{self.s(th)} - {fmt(lr)}*{self.s(m_hat)} / (sqrt({self.s(v_hat)}) + {fmt(eps)})",
            new,
        )
        self.state["m"], self.state["v"] = m_new, v_new
        return new, g
