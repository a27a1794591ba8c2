"""Optimizers: optim NAME and optim compare (CONTRACT section 2, "Optimization")."""

from dlcalc.ops import REQUIRED, Op, Param

_NAMES = ("sgd", "momentum", "nag", "adagrad", "adadelta", "rmsprop", "adam")
_CONVENTION = Param(
    "convention",
    "choice",
    "lecture (slides) or pytorch (torch.optim's rules and defaults)",
    default="lecture",
    choices=("lecture", "pytorch"),
)
_VARS = Param("vars", "str", "order of the variables of --f, e.g. x,y (default: by name)")
# default=None everywhere: the engine picks the convention's default per optimizer.
_HYPER = (
    Param("lr", "float", "learning rate eta (default: per optimizer and convention)", lo=0),
    Param("momentum", "float", "momentum gamma (lecture 0.9)", lo=0, hi=1),
    Param(
        "rho",
        "float",
        "decay rho of adadelta/rmsprop (lecture 0.9; pytorch rmsprop 0.99)",
        lo=0,
        hi=1,
    ),
    Param("beta1", "float", "Adam's beta1 [0.9]", lo=0, hi=1),
    Param("beta2", "float", "Adam's beta2 [0.999]", lo=0, hi=1),
    Param("eps", "float", "epsilon (lecture 1e-8, adadelta 1e-6; pytorch adagrad 1e-10)", lo=0),
)
_BIAS = Param(
    "bias_correction",
    "bool",
    "adam: Kingma & Ba's bias-corrected m_hat = m/(1-beta1^t), v_hat = v/(1-beta2^t) "
    "(lecture default: the slides' theta -= eta m/sqrt(v + eps); pytorch always corrects)",
    default=False,
)
_WD = Param("weight_decay", "float", "L2 weight decay wd: g += wd*theta [0]", lo=0)

OPS = [
    Op(
        name="optim",
        topic="optimization",
        func="dlcalc.engine.optim.optimize:optim",
        summary="Run sgd, momentum, nag, adagrad, adadelta, rmsprop or adam step by step.",
        description=(
            "Either --f EXPR --start VEC (the gradient is derived symbolically) or --params VEC "
            "--grads ROWS (one gradient row per step). Lecture convention by default (the "
            "slides' formulas; lr 0.01, rmsprop 0.001); --convention pytorch follows torch.optim "
            "exactly (its defaults, eps placement, Nesterov form, Adadelta's lr, Adam's bias "
            "correction). Lecture adam is the slides' theta -= eta m/sqrt(v + eps); "
            "--bias-correction adds Kingma & Ba's m_hat, v_hat. Expressions: "
            "numbers, variables, + - * / ** ^, exp log sqrt sin cos tan sinh cosh tanh sigmoid abs. "
            "The answer is final (theta after the last step)."
        ),
        params=(
            Param(
                "name",
                "choice",
                "optimizer",
                default=REQUIRED,
                choices=_NAMES,
                positional=True,
                metavar="NAME",
            ),
            Param("f", "str", "objective f, e.g. 'x^2 + 10*y^2'", metavar="EXPR"),
            Param("start", "vector", "starting point theta_0 for --f (one value per variable)"),
            Param("params", "vector", "initial parameters, with --grads"),
            Param("grads", "matrix", "one gradient row per step, with --params", metavar="ROWS"),
            Param(
                "steps",
                "int",
                "number of updates (default: 10 with --f, the rows of --grads)",
                lo=1,
            ),
            _VARS,
            *_HYPER,
            Param("dampening", "float", "pytorch momentum's dampening tau [0]", lo=0, hi=1),
            _WD,
            _BIAS,
            _CONVENTION,
        ),
        result_keys=("trajectory", "grads", "values", "final", "hyperparameters"),
        answers=("final",),
        example={"name": "adam", "f": "x^2 + 10*y^2", "start": "1,1", "steps": 3, "lr": 0.1},
    ),
    Op(
        name="optim-compare",
        topic="optimization",
        func="dlcalc.engine.optim.optimize:optim_compare",
        summary="Compare optimizers on one objective: f after N steps (paths with --plot).",
        description=(
            "Runs each optimizer (all seven unless --optimizers) for --steps updates from "
            "--start on --f, with its convention's defaults unless a flag sets a value. "
            "Also reachable as 'dlcalc optim compare'. The answer is final "
            "(f after N steps per optimizer)."
        ),
        params=(
            Param("f", "str", "objective f, e.g. 'x^2 + 10*y^2'", default=REQUIRED, metavar="EXPR"),
            Param("start", "vector", "starting point theta_0", default=REQUIRED),
            Param("steps", "int", "number of updates", default="100", lo=1),
            Param(
                "optimizers",
                "str",
                "which optimizers, e.g. sgd,momentum,adam [all]",
                multiple=True,
                metavar="LIST",
            ),
            _VARS,
            *_HYPER,
            _WD,
            _BIAS,
            _CONVENTION,
            Param("plot", "bool", "draw f per step (and 2-D paths) in the terminal", default=False),
        ),
        result_keys=("final", "params", "best"),
        answers=("final",),
        example={
            "f": "x^2 + 10*y^2",
            "start": "1,1",
            "steps": 50,
            "optimizers": "sgd,momentum,adam",
        },
    ),
]
