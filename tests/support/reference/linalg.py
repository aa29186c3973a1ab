"""Independent references for the linalg family: index loops for the band and diagonal
ops, textbook per-matrix algorithms (Cholesky-Banachiewicz, Gauss-Jordan, Gaussian
elimination with partial pivoting, substitution), Taylor series for expm and logm, and
other formulations (general eigenvalues, normal equations of an augmented system) where a
decomposition's factors are not unique. Batched inputs are processed one matrix at a time.
"""

from __future__ import annotations

import numpy as np


def _per_matrix(fn, *arrays, out_dtype=None):
    """fn(matrix, ...) for each batch position (inputs broadcast over the batch dims)."""
    arrays = [np.asarray(a) for a in arrays]
    batch = np.broadcast_shapes(*(a.shape[:-2] for a in arrays))
    results = []
    for index in np.ndindex(*batch):
        picked = [np.broadcast_to(a, batch + a.shape[-2:])[index] for a in arrays]
        results.append(np.asarray(fn(*picked)))
    if not results:
        return None
    stacked = np.stack(results).reshape(batch + results[0].shape)
    return stacked.astype(out_dtype or arrays[0].dtype)


def _adjoint(m):
    return np.conj(np.swapaxes(m, -1, -2))


# ---------------------------------------------------------------------- band and diagonals


def band_part(x, num_lower, num_upper):
    x = np.asarray(x)
    out = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        i, j = index[-2:]
        if (num_lower < 0 or i - j <= num_lower) and (num_upper < 0 or j - i <= num_upper):
            out[index] = x[index]
    return out


def _diagonal_entries(matrix, d):
    rows, cols = matrix.shape
    return [matrix[i, i + d] for i in range(rows) if 0 <= i + d < cols]


def _right_aligned(d, align):
    if d > 0:
        return align in ("RIGHT_LEFT", "RIGHT_RIGHT")
    if d < 0:
        return align in ("LEFT_RIGHT", "RIGHT_RIGHT")
    return align in ("RIGHT_LEFT", "RIGHT_RIGHT", "LEFT_RIGHT")


def matrix_diag_part(x, k=0, padding_value=0, align="RIGHT_LEFT"):
    """The band [lower, upper] of each matrix, highest diagonal first, padded per align."""
    x = np.asarray(x)
    lower, upper = (k, k) if np.ndim(k) == 0 else k
    rows, cols = x.shape[-2:]
    longest = min(rows + min(upper, 0), cols - max(lower, 0))
    out = np.full(x.shape[:-2] + (upper - lower + 1, longest), padding_value, dtype=x.dtype)
    for index in np.ndindex(*x.shape[:-2]):
        for row, d in enumerate(range(upper, lower - 1, -1)):
            entries = _diagonal_entries(x[index], d)
            start = longest - len(entries) if _right_aligned(d, align) else 0
            for n, value in enumerate(entries):
                out[index + (row, start + n)] = value
    return out[..., 0, :] if lower == upper else out


def matrix_set_diag(x, diagonal, k=0, align="RIGHT_LEFT"):
    x = np.array(x, copy=True)
    lower, upper = (k, k) if np.ndim(k) == 0 else k
    diagonal = np.asarray(diagonal)
    if lower == upper:
        diagonal = diagonal[..., None, :]
    longest = diagonal.shape[-1]
    for index in np.ndindex(*x.shape[:-2]):
        rows, cols = x.shape[-2:]
        for row, d in enumerate(range(upper, lower - 1, -1)):
            positions = [(i, i + d) for i in range(rows) if 0 <= i + d < cols]
            start = longest - len(positions) if _right_aligned(d, align) else 0
            for n, (i, j) in enumerate(positions):
                x[index + (i, j)] = diagonal[index + (row, start + n)]
    return x


def matrix_diag(diagonal, k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"):
    diagonal = np.asarray(diagonal)
    lower, upper = (k, k) if np.ndim(k) == 0 else k
    longest = diagonal.shape[-1]
    min_rows, min_cols = longest - min(upper, 0), longest + max(lower, 0)
    if num_rows == -1 and num_cols == -1:
        num_rows = num_cols = max(min_rows, min_cols)
    num_rows = min_rows if num_rows == -1 else num_rows
    num_cols = min_cols if num_cols == -1 else num_cols
    batch = diagonal.shape[:-1] if lower == upper else diagonal.shape[:-2]
    base = np.full(batch + (num_rows, num_cols), padding_value, dtype=diagonal.dtype)
    return matrix_set_diag(base, diagonal, k, align)


def tensor_diag(diagonal):
    diagonal = np.asarray(diagonal)
    out = np.zeros(diagonal.shape * 2, diagonal.dtype)
    for index in np.ndindex(*diagonal.shape):
        out[index + index] = diagonal[index]
    return out


def tensor_diag_part(x):
    x = np.asarray(x)
    half = x.shape[: x.ndim // 2]
    out = np.zeros(half, x.dtype)
    for index in np.ndindex(*half):
        out[index] = x[index + index]
    return out


# ---------------------------------------------------------------------- factorizations


def _cholesky_one(a):
    """Cholesky-Banachiewicz on the lower triangle (NaN when not positive definite)."""
    n = a.shape[0]
    work = a.astype(np.complex128)
    factor = np.zeros((n, n), np.complex128)
    for i in range(n):
        for j in range(i + 1):
            total = sum(factor[i, m] * np.conj(factor[j, m]) for m in range(j))
            if i == j:
                pivot = (work[i, i] - total).real
                if not pivot > 0:
                    return np.where(np.tri(n, dtype=bool), np.nan, 0.0)
                factor[i, i] = np.sqrt(pivot)
            else:
                factor[i, j] = (work[i, j] - total) / factor[j, j]
    return factor if np.iscomplexobj(a) else factor.real


def cholesky(a):
    a = np.asarray(a)
    if a.size == 0:
        return a.copy()
    return _per_matrix(
        _cholesky_one,
        a.astype(np.complex128 if a.dtype.kind == "c" else np.float64),
        out_dtype=a.dtype,
    )


def cholesky_grad(l, grad):  # noqa: E741 - TF's name
    """dA = sym(L^-H Phi(L^H dL) L^-1), with explicit inverses (TF's composite formula)."""

    def one(factor, g):
        factor, g = np.tril(factor), np.tril(g)
        middle = np.tril(factor.T @ g)
        middle -= 0.5 * np.diag(np.diag(middle))
        inverse = gauss_jordan_inverse(factor)
        full = inverse.T @ middle @ inverse
        return 0.5 * (full + full.T)

    return _per_matrix(
        one, np.asarray(l, np.float64), np.asarray(grad, np.float64), out_dtype=np.asarray(l).dtype
    )


# ---------------------------------------------------------------------- solves


def gauss_jordan_inverse(a):
    a = np.array(a, dtype=np.complex128 if np.iscomplexobj(a) else np.float64)
    n = a.shape[0]
    augmented = np.concatenate([a, np.eye(n, dtype=a.dtype)], axis=1)
    for col in range(n):
        pivot = col + int(np.argmax(np.abs(augmented[col:, col])))
        augmented[[col, pivot]] = augmented[[pivot, col]]
        augmented[col] /= augmented[col, col]
        for row in range(n):
            if row != col:
                augmented[row] -= augmented[row, col] * augmented[col]
    return augmented[:, n:]


def _eliminate(a, b):
    """Gaussian elimination with partial pivoting and back substitution."""
    a = np.array(a, dtype=np.complex128 if np.iscomplexobj(a) else np.float64)
    b = np.array(b, dtype=np.result_type(a, b))
    n = a.shape[0]
    for col in range(n):
        pivot = col + int(np.argmax(np.abs(a[col:, col])))
        a[[col, pivot]], b[[col, pivot]] = a[[pivot, col]], b[[pivot, col]]
        for row in range(col + 1, n):
            factor = a[row, col] / a[col, col]
            a[row, col:] -= factor * a[col, col:]
            b[row] -= factor * b[col]
    return _substitute(a, b, lower=False)


def _substitute(tri, b, lower):
    n = tri.shape[0]
    x = np.zeros(b.shape, dtype=np.result_type(tri, b))
    order = range(n) if lower else range(n - 1, -1, -1)
    for i in order:
        known = range(i) if lower else range(i + 1, n)
        total = sum((tri[i, m] * x[m] for m in known), np.zeros(b.shape[1:], x.dtype))
        x[i] = (b[i] - total) / tri[i, i]
    return x


def matrix_inverse(a, adjoint=False):
    a = np.asarray(a)
    return _per_matrix(lambda m: gauss_jordan_inverse(_adjoint(m) if adjoint else m), a)


def matrix_solve(a, b, adjoint=False):
    return _per_matrix(lambda m, r: _eliminate(_adjoint(m) if adjoint else m, r), a, b)


def matrix_triangular_solve(a, b, lower=True, adjoint=False):
    def one(m, r):
        tri = np.tril(m) if lower else np.triu(m)
        if adjoint:
            return _substitute(_adjoint(tri), r, not lower)
        return _substitute(tri, r, lower)

    return _per_matrix(one, a, b)


def lstsq(a, b, l2_regularizer=0.0):
    """argmin |A X - B|^2 + l2 |X|^2 as the plain least squares of the augmented system
    [A; sqrt(l2) I] X = [B; 0] (the minimum-norm solution when A is wide and l2 = 0)."""

    def one(m, r):
        if l2_regularizer == 0:
            return np.linalg.lstsq(m, r, rcond=None)[0]
        rows = np.concatenate([m, np.sqrt(l2_regularizer) * np.eye(m.shape[1])])
        rhs = np.concatenate([r, np.zeros((m.shape[1], r.shape[1]))])
        return np.linalg.lstsq(rows, rhs, rcond=None)[0]

    return _per_matrix(one, a, b)


# ---------------------------------------------------------------------- determinants


def _lu_log_determinant(a):
    """(sign, log |det|) from Gaussian elimination, row swaps flipping the sign."""
    a = np.array(a, dtype=np.complex128 if np.iscomplexobj(a) else np.float64)
    n = a.shape[0]
    sign, log_abs = 1.0 + 0j, 0.0
    for col in range(n):
        pivot = col + int(np.argmax(np.abs(a[col:, col])))
        if pivot != col:
            a[[col, pivot]] = a[[pivot, col]]
            sign = -sign
        if a[col, col] == 0:
            return 0.0, -np.inf
        sign *= a[col, col] / abs(a[col, col])
        log_abs += np.log(abs(a[col, col]))
        for row in range(col + 1, n):
            a[row, col:] -= a[row, col] / a[col, col] * a[col, col:]
    return sign, log_abs


def determinant(a):
    a = np.asarray(a)

    def one(m):
        sign, log_abs = _lu_log_determinant(m)
        value = sign * np.exp(log_abs)
        return value if np.iscomplexobj(m) else np.real(value)

    return _batch_scalar(one, a)


def log_determinant(a):
    a = np.asarray(a)

    def sign(m):
        value = _lu_log_determinant(m)[0]
        return value if np.iscomplexobj(m) else np.real(value)

    return _batch_scalar(sign, a), _batch_scalar(lambda m: _lu_log_determinant(m)[1], a)


def _batch_scalar(fn, a):
    out = np.zeros(a.shape[:-2], dtype=a.dtype)
    for index in np.ndindex(*a.shape[:-2]):
        out[index] = fn(a[index])
    return out


# ---------------------------------------------------------------------- spectra


def eigenvalues_symmetric(a):
    """Eigenvalues of the Hermitian matrix read from the lower triangle, ascending, through
    the general (non-symmetric) eigenvalue routine."""
    a = np.asarray(a)

    def one(m):
        strict = np.tril(m, -1)
        hermitian = strict + _adjoint(strict) + np.diag(np.real(np.diag(m)))
        return np.sort(np.linalg.eigvals(hermitian.astype(np.complex128)).real)

    out = np.zeros(a.shape[:-1], dtype=a.real.dtype)
    for index in np.ndindex(*a.shape[:-2]):
        out[index] = one(a[index])
    return out.astype(a.dtype)


def singular_values(a):
    """sqrt of the eigenvalues of A^H A (or A A^H), descending."""
    a = np.asarray(a)
    rows, cols = a.shape[-2:]
    gram = _adjoint(a) @ a if rows >= cols else a @ _adjoint(a)
    values = eigenvalues_symmetric(gram.astype(np.complex128)).real
    return np.sqrt(np.clip(values, 0, None))[..., ::-1].astype(a.real.dtype)


# ---------------------------------------------------------------------- matrix functions


def expm(a, terms=30):
    """exp(A) by scaling, a Taylor series, and squaring back."""

    def one(m):
        m = m.astype(np.complex128 if np.iscomplexobj(m) else np.float64)
        norm = np.abs(m).sum(axis=0).max(initial=0.0)
        squarings = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0 else 0
        scaled = m / 2.0**squarings
        total, term = np.eye(m.shape[0], dtype=m.dtype), np.eye(m.shape[0], dtype=m.dtype)
        for k in range(1, terms):
            term = term @ scaled / k
            total = total + term
        for _ in range(squarings):
            total = total @ total
        return total

    return _per_matrix(one, a)


def logm_near_identity(a, terms=200):
    """log(A) = sum (-1)^(k+1) (A - I)^k / k, for |A - I| well below 1."""

    def one(m):
        x = m.astype(np.complex128) - np.eye(m.shape[0])
        total, power = np.zeros_like(x), np.eye(m.shape[0], dtype=x.dtype)
        for k in range(1, terms):
            power = power @ x
            total = total + (-1) ** (k + 1) * power / k
        return total

    return _per_matrix(one, a)


# ---------------------------------------------------------------------- norms and products


def norm(x, ord="euclidean", axis=None, keepdims=False):
    """Vector norms by loops over fibres; matrix norms by definition (2: the largest
    singular value through the eigenvalues of A^H A)."""
    x = np.asarray(x)
    if isinstance(axis, (tuple, list)) and len(axis) == 2:
        return _matrix_norm(x, ord, tuple(a % x.ndim for a in axis), keepdims)
    flat_axis = tuple(range(x.ndim)) if axis is None else (axis % x.ndim,)
    moved = np.moveaxis(x, flat_axis, tuple(range(-len(flat_axis), 0)))
    fibres = moved.reshape(moved.shape[: moved.ndim - len(flat_axis)] + (-1,))
    out = np.zeros(fibres.shape[:-1], np.float64)
    for index in np.ndindex(*fibres.shape[:-1]):
        values = np.abs(fibres[index].astype(np.complex128))
        if ord == np.inf:
            out[index] = values.max()
        else:
            p = 2 if ord in ("euclidean", "fro") else ord
            out[index] = (values**p).sum() ** (1.0 / p)
    # TF's 'euclidean' norm keeps a complex type (sqrt(sum(x * conj(x)))); the others are
    # real (built on abs).
    dtype = x.dtype if ord in ("euclidean", "fro", 2) else x.real.dtype
    return _keep(out, dtype, flat_axis, keepdims)


def _matrix_norm(x, ord, axis, keepdims):
    moved = np.moveaxis(x, axis, (-2, -1))
    out = np.zeros(moved.shape[:-2], np.float64)
    for index in np.ndindex(*moved.shape[:-2]):
        m = np.abs(moved[index].astype(np.complex128))
        if ord == 1:
            out[index] = m.sum(axis=0).max()
        elif ord == np.inf:
            out[index] = m.sum(axis=1).max()
        elif ord == 2:
            out[index] = singular_values(moved[index].astype(np.complex128)).max()
        else:
            out[index] = np.sqrt((m**2).sum())
    dtype = x.dtype if ord in ("euclidean", "fro") else x.real.dtype
    return _keep(out, dtype, axis, keepdims)


def _keep(out, dtype, axes, keepdims):
    if keepdims:
        out = np.expand_dims(out, tuple(sorted(axes)))
    return out.astype(dtype)


def tensordot(a, b, a_axes, b_axes):
    """sum over the paired axes, written as an einsum with explicit letters."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    a_labels = list(letters[: np.ndim(a)])
    b_labels = list(letters[np.ndim(a) : np.ndim(a) + np.ndim(b)])
    for i, j in zip(a_axes, b_axes):
        b_labels[j] = a_labels[i]
    out = [c for c in a_labels if c not in [a_labels[i] for i in a_axes]]
    out += [c for k, c in enumerate(b_labels) if k not in [j % np.ndim(b) for j in b_axes]]
    return np.einsum(f"{''.join(a_labels)},{''.join(b_labels)}->{''.join(out)}", a, b)


def trace(x):
    x = np.asarray(x)
    out = np.zeros(x.shape[:-2], x.dtype)
    for index in np.ndindex(*x.shape[:-2]):
        out[index] = sum(x[index][i, i] for i in range(min(x.shape[-2:])))
    return out
