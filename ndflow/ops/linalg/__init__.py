"""The linalg op family (`tf.linalg`): diagonal and band ops, transposes and eye, solves,
decompositions, least squares, determinants, matrix logarithm and exponential, norms, and
the tensordot / matvec composites, batched over leading dimensions with TF's gradients.

Importing this package registers every linalg op; the names below re-export the builders
under TF's Python names (`from ndflow.ops import linalg; linalg.cholesky(...)`).
"""

from __future__ import annotations

from ndflow.ops.linalg import composite
from ndflow.ops.linalg import decompositions
from ndflow.ops.linalg import determinants
from ndflow.ops.linalg import diagonals
from ndflow.ops.linalg import least_squares
from ndflow.ops.linalg import matrix_functions
from ndflow.ops.linalg import norms
from ndflow.ops.linalg import solvers
from ndflow.ops.linalg import structure

# diagonals.py
matrix_diag = diagonals.matrix_diag
matrix_diag_part = diagonals.matrix_diag_part
matrix_set_diag = diagonals.matrix_set_diag
tensor_diag = diagonals.tensor_diag
tensor_diag_part = diagonals.tensor_diag_part

# structure.py
matrix_band_part = structure.matrix_band_part
matrix_transpose = structure.matrix_transpose
adjoint = structure.adjoint
eye = structure.eye
trace = structure.trace

# solvers.py
matrix_inverse = solvers.matrix_inverse
matrix_solve = solvers.matrix_solve
matrix_triangular_solve = solvers.matrix_triangular_solve
cholesky_solve = solvers.cholesky_solve

# decompositions.py
cholesky = decompositions.cholesky
qr = decompositions.qr
svd = decompositions.svd
self_adjoint_eig = decompositions.self_adjoint_eig
self_adjoint_eigvals = decompositions.self_adjoint_eigvals

# least_squares.py
matrix_solve_ls = least_squares.matrix_solve_ls

# determinants.py
matrix_determinant = determinants.matrix_determinant
log_matrix_determinant = determinants.log_matrix_determinant
logdet = determinants.logdet

# matrix_functions.py
logm = matrix_functions.logm
matrix_exponential = matrix_functions.matrix_exponential

# norms.py
norm = norms.norm

# composite.py
tensordot = composite.tensordot
matvec = composite.matvec
