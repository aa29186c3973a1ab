"""`tf.linalg`: re-exports only (the builders live in ndflow/ops/linalg and ndflow/ops/math)."""

from ndflow.ops import clip as _clip
from ndflow.ops import linalg as _linalg
from ndflow.ops import math as _math
from ndflow.ops import nn as _nn

adjoint = _linalg.adjoint
band_part = _linalg.matrix_band_part
cholesky = _linalg.cholesky
cholesky_solve = _linalg.cholesky_solve
det = _linalg.matrix_determinant
diag = _linalg.matrix_diag
diag_part = _linalg.matrix_diag_part
eigh = _linalg.self_adjoint_eig
eigvalsh = _linalg.self_adjoint_eigvals
einsum = _math.einsum
expm = _linalg.matrix_exponential
eye = _linalg.eye
global_norm = _clip.global_norm
inv = _linalg.matrix_inverse
l2_normalize = _nn.l2_normalize
logdet = _linalg.logdet
logm = _linalg.logm
lstsq = _linalg.matrix_solve_ls
matmul = _math.matmul
matrix_transpose = _linalg.matrix_transpose
matvec = _linalg.matvec
norm = _linalg.norm
qr = _linalg.qr
set_diag = _linalg.matrix_set_diag
slogdet = _linalg.log_matrix_determinant
solve = _linalg.matrix_solve
svd = _linalg.svd
tensor_diag = _linalg.tensor_diag
tensor_diag_part = _linalg.tensor_diag_part
tensordot = _linalg.tensordot
trace = _linalg.trace
transpose = _linalg.matrix_transpose
triangular_solve = _linalg.matrix_triangular_solve
