"""Reading the tool's exact (SymPy-printed) output back as numbers, for the PCA/CCA tests."""

from __future__ import annotations

import math


def surd_value(text: str) -> float:
    """Evaluate the tool's exact output (numbers, + - * / ^, sqrt) without eval or sympify."""
    import ast
    import operator

    ops = {
        ast.Add: operator.add,
        ast.Sub: operator.sub,
        ast.Mult: operator.mul,
        ast.Div: operator.truediv,
        ast.Pow: operator.pow,
    }

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            return ops[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "sqrt":
            return math.sqrt(walk(node.args[0]))
        raise ValueError(f"unexpected {ast.dump(node)} in {text!r}")

    return walk(ast.parse(text.replace("^", "**"), mode="eval").body)
