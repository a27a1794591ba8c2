"""User input -> typed values: scalars, vectors, matrices, tensors, sizes, JSON, @files.

Every parser takes the raw value (a string from the command line or a batch record,
or an already-typed Python/NumPy value from the API) and the parameter name used in
error messages. Nothing here ever calls ``eval``: numbers are read with ``int``/``float``
after a character check, fractions as ``a/b``, nested lists with ``json``.

NumPy is imported only by the array parsers, so scalar commands start fast.
"""

from __future__ import annotations

import json
import math
import os
import stat
from typing import Any

from dlcalc.engine._shapes import MAX_ELEMENTS, expect_shape
from dlcalc.errors import InputError, LimitError, flag, suggest

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TEXT_CHARS = 50 * 1024 * 1024
MAX_DEPTH = 32
_FLOAT_MAX = 1.7976931348623157e308  # sys.float_info.max
MAX_DIM = 1_000_000  # any one size (H, W, kernel, channels...) given as NxM
FILE_SUFFIXES = (".csv", ".json", ".txt", ".npy")

_NUM_CHARS = frozenset("0123456789.+-eE")
# What people paste from PDFs and word processors: unicode minus, dashes, non-breaking spaces.
_TRANSLATE = str.maketrans({"\u2212": "-", "\u2013": "-", "\u00a0": " ", "\u2009": " "})


def _err(name: str, message: str) -> InputError:
    return InputError(f"{flag(name)}: {message}")


def _show(raw: Any, limit: int = 40) -> str:
    text = str(raw)
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


# ---------------------------------------------------------------- scalars


def number(token: str, name: str) -> float | int:
    """One number: ``3``, ``-0.5``, ``1e-3`` or a fraction ``1/3``. Ints stay ints."""
    tok = token.strip().translate(_TRANSLATE).strip()
    if "/" in tok:
        num, _, den = tok.partition("/")
        a, b = number(num, name), number(den, name)
        if b == 0:
            raise _err(name, f"division by zero in {_show(token)}")
        value = a / b
        if not math.isfinite(value):
            raise _err(name, f"{_show(token)} is not a finite number")
        return value
    if not tok or set(tok) - _NUM_CHARS or not any(c.isdigit() for c in tok):
        low = tok.lower().lstrip("+-")
        if low in {"nan", "inf", "infinity"}:
            raise _err(name, f"expected a finite number, got {_show(token)}")
        if _shape_parts(tok):
            raise _err(
                name,
                f"expected a number, got {_show(token)}: NxM is the notation for a size "
                "such as 224x224; this takes one number",
            )
        raise _err(name, f"expected a number, got {_show(token)}")
    try:
        if tok.lstrip("+-").isdigit():
            whole = int(tok)
        else:
            whole = None
            value = float(tok)
    except ValueError:
        raise _err(name, f"expected a number, got {_show(token)}") from None
    if whole is not None:
        return _bounded_int(whole, name)
    if not math.isfinite(value):
        raise _err(name, f"{_show(token)} is not a finite number")
    return value


def _shape_parts(token: str) -> list[str]:
    """``20x28x28`` -> ["20", "28", "28"]: the tool's shape notation; [] for anything else."""
    parts = token.strip().lower().replace("\u00d7", "x").split("x")
    if len(parts) > 1 and all(p.strip().isdigit() for p in parts):
        return [p.strip() for p in parts]
    return []


def _bounded_int(value: int, name: str) -> int:
    """Ints beyond the float range (~1.8e308) are refused here, not as OverflowError later."""
    if abs(value) > _FLOAT_MAX:
        digits = len(str(abs(value)))
        raise _err(name, f"expected a number below 1.8e308 in size, got a {digits}-digit integer")
    return value


def _from_python_number(raw: Any, name: str) -> float | int:
    if isinstance(raw, bool):
        raise _err(name, f"expected a number, got {raw!r}")
    if isinstance(raw, int):
        return _bounded_int(raw, name)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _err(name, f"expected a finite number, got {raw!r}")
        return raw
    # NumPy scalars and 0-d arrays, without importing NumPy ourselves.
    if hasattr(raw, "item") and getattr(raw, "ndim", 1) == 0:
        return _from_python_number(raw.item(), name)
    if isinstance(raw, str):
        return number(raw, name)
    raise _err(name, f"expected a number, got {_show(raw)}")


def _check_range(value: float, name: str, lo: float | None, hi: float | None, what: str) -> None:
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if lo is not None and hi is not None:
            rng = f"in [{lo}, {hi}]"
        elif lo is not None:
            rng = "positive" if lo == 1 and what == "an integer" else f">= {lo}"
        else:
            rng = f"<= {hi}"
        raise _err(name, f"expected {what} {rng}, got {value}")


def parse_float(raw: Any, name: str, *, lo: float | None = None, hi: float | None = None) -> float:
    """A finite real number, optionally within ``[lo, hi]``."""
    value = float(_from_python_number(raw, name))
    _check_range(value, name, lo, hi, "a number")
    return value


def parse_int(raw: Any, name: str, *, lo: int | None = None, hi: int | None = None) -> int:
    """An integer (``3`` or ``3.0``), optionally within ``[lo, hi]``."""
    value = _from_python_number(raw, name)
    if isinstance(value, float):
        if not value.is_integer():
            raise _err(name, f"expected an integer, got {_show(raw)}")
        value = int(value)
    _check_range(value, name, lo, hi, "an integer")
    return value


def parse_bool(raw: Any, name: str) -> bool:
    """``true/false/yes/no/1/0`` (batch records and CSV cells) or a Python bool."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "yes", "1", "on"}:
        return True
    if text in {"false", "no", "0", "off", ""}:
        return False
    raise _err(name, f"expected true or false, got {_show(raw)}")


def parse_choice(raw: Any, name: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (case-insensitive, ``_`` and ``-`` interchangeable)."""
    text = str(raw).strip().lower().replace("_", "-")
    for choice in choices:
        if text == choice.lower().replace("_", "-"):
            return choice
    hint = suggest(text, choices)
    raise _err(name, f"expected one of {', '.join(choices)}; got {_show(raw)}{hint}")


def parse_str(raw: Any, name: str, *, max_len: int = 10_000) -> str:
    """A plain string (names, expressions before the safe parser sees them)."""
    if not isinstance(raw, str):
        raise _err(name, f"expected text, got {_show(raw)}")
    if len(raw) > max_len:
        raise LimitError(f"{flag(name)}: text longer than {max_len} characters")
    return raw


_SIZE_SEPARATORS = ("x", "X", "\u00d7", "*", ",")


def parse_dims(raw: Any, name: str, *, ndim: int | None = None, lo: int = 1) -> tuple[int, ...]:
    """``3x224x224`` -> (3, 224, 224). Every entry an integer >= ``lo``."""
    if type(raw) is int and lo <= raw <= MAX_DIM and ndim in (None, 1):  # fast path (batch)
        return (raw,)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        parts: list[Any] = [raw]
    elif isinstance(raw, list | tuple):
        parts = list(raw)
    elif isinstance(raw, str):
        text = raw.strip().translate(_TRANSLATE)
        for sep in _SIZE_SEPARATORS:
            text = text.replace(sep, "x")
        parts = [part.strip() for part in text.split("x")]
        if any(not part for part in parts):
            raise _err(name, f"expected a size like 224 or 224x224, got {_show(raw)}")
    else:
        raise _err(name, f"expected a size like 224 or 224x224, got {_show(raw)}")
    if not parts or (ndim is not None and len(parts) != ndim):
        want = "x".join(["N"] * ndim) if ndim else "N or NxM"
        raise _err(name, f"expected a size {want}, got {_show(raw)}")
    out = []
    for part in parts:
        try:
            value = parse_int(part, name)
        except InputError:
            raise _err(name, f"expected whole-number sizes, got {_show(raw)}") from None
        if value < lo:
            raise _err(name, f"sizes must be >= {lo}, got {_show(raw)}")
        if value > MAX_DIM:
            raise LimitError(f"{flag(name)}: sizes above {MAX_DIM:,} are refused, got {_show(raw)}")
        out.append(value)
    return tuple(out)


def parse_size(raw: Any, name: str, *, lo: int = 1) -> tuple[int, int]:
    """``227`` -> (227, 227); ``224x192`` -> (224, 192) as (H, W)."""
    dims = parse_dims(raw, name, lo=lo)
    if len(dims) == 1:
        return dims[0], dims[0]
    if len(dims) != 2:
        raise _err(name, f"expected a size N or HxW, got {_show(raw)}")
    return dims[0], dims[1]


# ---------------------------------------------------------------- files


def read_file_bytes(path: str, name: str, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """Read a user file with a size cap; errors name the flag and the path."""
    if "\x00" in path:  # os.stat raises ValueError, not OSError, for these
        raise _err(name, f"cannot read {path!r}: a file name cannot contain a NUL character")
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):  # a FIFO would hang, /dev/zero never ends
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError
            raise _err(name, f"cannot read {path!r}: not a regular file")
        size = info.st_size
        if size > max_bytes:
            raise LimitError(
                f"{flag(name)}: file {path!r} is {size / 2**20:.1f} MB; "
                f"the limit is {max_bytes // 2**20} MB"
            )
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
        if len(data) > max_bytes:  # grew since stat
            raise LimitError(f"{flag(name)}: file {path!r} is over {max_bytes // 2**20} MB")
        return data
    except FileNotFoundError:
        raise _err(name, f"cannot read {path!r}: no such file") from None
    except IsADirectoryError:
        raise _err(name, f"cannot read {path!r}: it is a directory") from None
    except PermissionError:
        raise _err(name, f"cannot read {path!r}: permission denied") from None
    except OSError as exc:
        raise _err(name, f"cannot read {path!r}: {exc.strerror or exc}") from None


def read_file_text(path: str, name: str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file with a size cap."""
    data = read_file_bytes(path, name, max_bytes=max_bytes)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _err(name, f"{path!r} is not UTF-8 text") from None


def _load_file(path: str, name: str) -> Any:
    """``@path``: a .npy array, parsed JSON, or CSV/TXT text (rows per line)."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in FILE_SUFFIXES:
        raise _err(name, f"cannot read {path!r}: expected a .csv, .json, .txt or .npy file")
    if suffix == ".npy":
        import io

        import numpy as np

        data = read_file_bytes(path, name)
        try:
            arr = np.load(io.BytesIO(data), allow_pickle=False)
        except ValueError as exc:
            if "pickle" in str(exc).lower():
                raise _err(name, f"{path!r} holds pickled objects, which are refused") from None
            raise _err(name, f"{path!r} is not a valid .npy file") from None
        except Exception:
            raise _err(name, f"{path!r} is not a valid .npy file") from None
        if arr.dtype.kind not in "biuf":
            raise _err(name, f"{path!r} holds {arr.dtype} data; expected numbers")
        return arr
    text = read_file_text(path, name)
    if suffix == ".json":
        return _json_loads(text, name, where=path)
    lines = [ln.split("#", 1)[0].strip() for ln in text.splitlines()]
    return _FileText(";".join(ln for ln in lines if ln), path)


class _FileText(str):
    """Text read from ``@path``: errors about it name the file and row, never its content."""

    path: str

    def __new__(cls, text: str, path: str) -> _FileText:
        obj = super().__new__(cls, text)
        obj.path = path
        return obj


def _file_rows_to_nested(text: _FileText, name: str) -> Any:
    try:
        return _text_to_nested(text, name)
    except LimitError:
        raise
    except InputError as exc:
        row = str(exc).rpartition("(row ")[2].rstrip(")") if "(row " in str(exc) else ""
        where = f" (row {row})" if row.isdigit() else ""
        what = "a ragged matrix" if "ragged" in str(exc) else "something other than numbers"
        raise _err(name, f"{text.path!r} holds {what}{where}; expected numbers") from None


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not a finite number")


def _json_loads(text: str, name: str, *, where: str | None = None) -> Any:
    if len(text) > MAX_TEXT_CHARS:
        raise LimitError(f"{flag(name)}: input longer than {MAX_TEXT_CHARS} characters")
    src = f" in {where!r}" if where else ""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise LimitError(f"{flag(name)}: JSON nested too deeply{src}") from None
    except ValueError as exc:
        msg = str(exc)
        if "finite" in msg:
            raise _err(name, f"expected finite numbers{src}, got {msg.split()[0]}") from None
        raise _err(name, f"invalid JSON{src}: {msg}") from None


def parse_text(raw: Any, name: str, *, max_len: int = 1_000_000) -> str:
    """Text given inline, or ``@file`` read verbatim (no comment stripping, any extension)."""
    if not isinstance(raw, str):
        raise _err(name, f"expected text, got {_show(raw)}")
    if raw.strip().startswith("@"):
        path = raw.strip()[1:]
        raw = _FileText(read_file_text(path, name), path)
    if len(raw) > max_len:
        raise LimitError(f"{flag(name)}: text longer than {max_len:,} characters")
    return raw


def resolve(raw: Any, name: str) -> Any:
    """Replace an ``@path`` string by the file's content; anything else passes through."""
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("@"):
            return _load_file(text[1:], name)
    return raw


def parse_json(raw: Any, name: str) -> Any:
    """A JSON value given inline or as ``@file.json``; Python dicts/lists pass through."""
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("@"):
            return _load_file(text[1:], name)
        return _json_loads(text, name)
    return raw


# ---------------------------------------------------------------- arrays


def _nested_shape(obj: Any, name: str, depth: int = 0) -> tuple[int, ...]:
    """Shape of a nested list of numbers; errors on ragged lists and non-numbers."""
    if depth > MAX_DEPTH:
        raise LimitError(f"{flag(name)}: nested more than {MAX_DEPTH} levels deep")
    if isinstance(obj, list | tuple):
        if not obj:
            raise _err(name, "empty list; expected numbers")
        shapes = [_nested_shape(item, name, depth + 1) for item in obj]
        first = shapes[0]
        for i, shape in enumerate(shapes[1:], start=2):
            if shape != first:
                raise _err(
                    name,
                    f"ragged input: item {i} has shape {_fmt_shape(shape)}, "
                    f"item 1 has {_fmt_shape(first)}",
                )
        return (len(obj), *first)
    if isinstance(obj, bool) or not isinstance(obj, int | float):
        raise _err(name, f"expected a number, got {_show(obj)}")
    if isinstance(obj, float) and not math.isfinite(obj):
        raise _err(name, f"expected finite numbers, got {obj}")
    if isinstance(obj, int):
        _bounded_int(obj, name)
    return ()


def _fmt_shape(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape)) if shape else "scalar"


def _split_row(row: str, name: str, row_no: int | None = None) -> list[float | int]:
    text = row.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    tokens = text.replace(",", " ").split()
    if not tokens:
        where = f" (row {row_no})" if row_no else ""
        raise _err(name, f"empty input{where}; expected numbers")
    try:
        return [number(tok, name) for tok in tokens]
    except InputError as exc:
        shaped = next((parts for parts in map(_shape_parts, tokens) if parts), None)
        if shaped:  # 20x28x28 typed where the values of a vector or matrix are expected
            where = f" (row {row_no})" if row_no else ""
            raise _err(
                name,
                f"expected numbers separated by commas or spaces, got "
                f"{_show('x'.join(shaped))}{where}: NxM is the notation for a size such as "
                f"224x224; write the values as {','.join(shaped)}",
            ) from None
        if row_no is None:
            raise
        raise InputError(f"{exc} (row {row_no})") from None


_SEPARATORS = bytes(32 if chr(b) in " ,;\n\t\r[]" else 120 for b in range(256))


def _count_values(text: str) -> int:
    """Number of values in ``1,2;3 4`` text, counted in C before any list is built.

    Every run of non-separator characters is one value: separators become spaces and the
    rest ``x``, and the count is the number of ``" x"`` boundaries (plus a leading value).
    """
    marks = text.encode("utf-8", "surrogatepass").translate(_SEPARATORS)
    return marks.count(b" x") + (marks[:1] == b"x")


def _text_to_nested(text: str, name: str) -> Any:
    """``1,2; 3,4`` -> [[1,2],[3,4]]; ``1 2 3`` -> [1,2,3]; JSON when it starts with ``[[``."""
    text = text.strip().translate(_TRANSLATE)
    if len(text) > MAX_TEXT_CHARS:
        raise LimitError(f"{flag(name)}: input longer than {MAX_TEXT_CHARS} characters")
    if not text:
        raise _err(name, "empty input; expected numbers")
    if len(text) > 2 * MAX_ELEMENTS and _count_values(text) > MAX_ELEMENTS:
        raise LimitError(f"{flag(name)}: more than {MAX_ELEMENTS:,} values")
    compact = text.replace(" ", "")
    if compact.startswith("[["):
        return _json_loads(text, name)
    if ";" in text or "\n" in text:
        rows = [r for r in text.replace("\n", ";").split(";") if r.strip()]
        if not rows:
            raise _err(name, "empty input; expected numbers")
        if len(rows) * 1 > MAX_ELEMENTS:
            raise LimitError(f"{flag(name)}: more than {MAX_ELEMENTS:,} values")
        nested = [_split_row(r, name, i) for i, r in enumerate(rows, start=1)]
        width = len(nested[0])
        for i, row in enumerate(nested[1:], start=2):
            if len(row) != width:
                raise _err(name, f"ragged matrix: row {i} has {len(row)} values, row 1 has {width}")
        return nested
    if text.count(",") + text.count(" ") + 1 > MAX_ELEMENTS:
        raise LimitError(f"{flag(name)}: more than {MAX_ELEMENTS:,} values")
    values = _split_row(text, name)
    return values[0] if len(values) == 1 and not text.startswith("[") else values


def parse_array(raw: Any, name: str) -> Any:
    """Any numeric array (float64) from text, JSON, a file, a list or a NumPy array."""
    import numpy as np

    value = resolve(raw, name)
    if isinstance(value, _FileText):
        value = _file_rows_to_nested(value, name)
    elif isinstance(value, str):
        value = _text_to_nested(value, name)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise _err(name, f"expected numbers, got an array of {value.dtype}")
        arr = value.astype(np.float64)
    else:
        if not isinstance(value, list | tuple):
            value = _from_python_number(value, name)
        _nested_shape(value, name)
        arr = np.asarray(value, dtype=np.float64)
    if arr.size > MAX_ELEMENTS:
        raise LimitError(f"{flag(name)}: {arr.size:,} values; the limit is {MAX_ELEMENTS:,}")
    if arr.size == 0:
        raise _err(name, "empty input; expected numbers")
    if not np.isfinite(arr).all():
        raise _err(name, "expected finite numbers, found NaN or infinity")
    return arr


def parse_vector(raw: Any, name: str, *, length: int | None = None) -> Any:
    """A 1-D float64 array: ``1,2,3``, ``1 2 3``, ``[1,2,3]``; a scalar gives length 1."""
    arr = parse_array(raw, name)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    elif arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise _err(name, f"expected a vector, got a {_fmt_shape(arr.shape)} array")
    if length is not None and arr.shape[0] != length:
        raise _err(name, f"expected {length} values, got {arr.shape[0]}")
    return arr


def parse_matrix(raw: Any, name: str, *, shape: tuple[int | None, int | None] | None = None) -> Any:
    """A 2-D float64 array: rows separated by ``;`` or JSON ``[[...],[...]]``."""
    arr = parse_array(raw, name)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2:
        raise _err(name, f"expected a matrix, got a {_fmt_shape(arr.shape)} array")
    if shape is not None:
        expect_shape(arr, shape, name)
    return arr


def parse_tensor(raw: Any, name: str, *, ndim: tuple[int, ...] | None = None) -> Any:
    """An array of any rank (JSON nested lists for rank > 2), optionally of given ranks."""
    arr = parse_array(raw, name)
    if ndim is not None and arr.ndim not in ndim:
        want = " or ".join(f"{n}-D" for n in ndim)
        raise _err(name, f"expected a {want} array, got {_fmt_shape(arr.shape)}")
    return arr
