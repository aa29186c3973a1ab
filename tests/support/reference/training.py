"""Independent references for the training ops: TF's update formulas for ONE element, in
Python floats with the `math` module (double precision), driven by explicit loops over the
elements (dense) or over the indices in order, one occurrence after the other (sparse).

Each element function takes the variable and slot values, the gradient and the scalars by
TF's input names, and returns the new (var, *slots).
"""

from __future__ import annotations

import math

import numpy as np


def _sign(x):
    return (x > 0) - (x < 0)


def _fobos(prox, lr, l1, l2):
    if l1 > 0:
        return _sign(prox) * max(abs(prox) - lr * l1, 0.0) / (1.0 + l2 * lr)
    return prox / (1.0 + l2 * lr)


def gradient_descent(var, grad, alpha):
    return (var - alpha * grad,)


def proximal_gradient_descent(var, grad, alpha, l1, l2):
    return (_fobos(var - alpha * grad, alpha, l1, l2),)


def adadelta(var, accum, accum_update, grad, lr, rho, epsilon):
    accum = rho * accum + (1 - rho) * grad * grad
    update = math.sqrt(accum_update + epsilon) / math.sqrt(accum + epsilon) * grad
    accum_update = rho * accum_update + (1 - rho) * update * update
    return var - lr * update, accum, accum_update


def adagrad(var, accum, grad, lr, update_slots=True):
    if update_slots:
        accum = accum + grad * grad
    return var - lr * grad / math.sqrt(accum), accum


def adagrad_v2(var, accum, grad, lr, epsilon, update_slots=True):
    if update_slots:
        accum = accum + grad * grad
    return var - lr * grad / (math.sqrt(accum) + epsilon), accum


def proximal_adagrad(var, accum, grad, lr, l1, l2):
    accum = accum + grad * grad
    rate = lr / math.sqrt(accum)
    return _fobos(var - rate * grad, rate, l1, l2), accum


def ftrl(
    var, accum, linear, grad, lr, l1, l2, lr_power, l2_shrinkage=0.0, multiply_linear_by_lr=False
):
    new_accum = accum + grad * grad
    sigma = new_accum ** (-lr_power) - accum ** (-lr_power)
    shrunk = grad + 2 * l2_shrinkage * var
    if multiply_linear_by_lr:
        linear = linear + lr * shrunk - sigma * var
        limit, quadratic = l1 * lr, new_accum ** (-lr_power) + 2 * l2 * lr
    else:
        linear = linear + shrunk - sigma / lr * var
        limit, quadratic = l1, new_accum ** (-lr_power) / lr + 2 * l2
    var = (limit * _sign(linear) - linear) / quadratic if abs(linear) > limit else 0.0
    return var, new_accum, linear


def ftrl_v2(
    var, accum, linear, grad, lr, l1, l2, l2_shrinkage, lr_power, multiply_linear_by_lr=False
):
    return ftrl(var, accum, linear, grad, lr, l1, l2, lr_power, l2_shrinkage, multiply_linear_by_lr)


def momentum(var, accum, grad, lr, momentum, use_nesterov=False):
    accum = momentum * accum + grad
    if use_nesterov:
        return var - lr * grad - lr * momentum * accum, accum
    return var - lr * accum, accum


def adam(var, m, v, grad, beta1_power, beta2_power, lr, beta1, beta2, epsilon, use_nesterov=False):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    rate = lr * math.sqrt(1 - beta2_power) / (1 - beta1_power)
    numerator = beta1 * m + (1 - beta1) * grad if use_nesterov else m
    return var - rate * numerator / (math.sqrt(v) + epsilon), m, v


def rms_prop(var, ms, mom, grad, lr, rho, momentum, epsilon):
    ms = rho * ms + (1 - rho) * grad * grad
    mom = momentum * mom + lr * grad / math.sqrt(ms + epsilon)
    return var - mom, ms, mom


def centered_rms_prop(var, mg, ms, mom, grad, lr, rho, momentum, epsilon):
    ms = rho * ms + (1 - rho) * grad * grad
    mg = rho * mg + (1 - rho) * grad
    mom = momentum * mom + lr * grad / math.sqrt(ms - mg * mg + epsilon)
    return var - mom, mg, ms, mom


def dense(element, states, grad, scalars, options=None):
    """Applies `element` to every position; returns the new (var, *slots) arrays."""
    dtype = states[0].dtype
    out = [np.array(s, dtype=np.float64) for s in states]
    grad = np.asarray(grad, dtype=np.float64)
    values = {k: float(v) for k, v in scalars.items()}
    for index in np.ndindex(*out[0].shape):
        new = element(
            *[float(o[index]) for o in out], float(grad[index]), **values, **(options or {})
        )
        for o, value in zip(out, new):
            o[index] = value
    return [o.astype(dtype) for o in out]


def sparse(element, states, grad, indices, scalars, options=None):
    """Applies `element` row by row, for indices[0], indices[1]... in order (a repeated
    row is updated again); returns the new (var, *slots) arrays."""
    dtype = states[0].dtype
    out = [np.array(s, dtype=np.float64) for s in states]
    grad = np.asarray(grad, dtype=np.float64)
    values = {k: float(v) for k, v in scalars.items()}
    for position, row in enumerate(np.asarray(indices).tolist()):
        for inner in np.ndindex(*out[0].shape[1:]):
            index = (row, *inner)
            old = [float(o[index]) for o in out]
            new = element(*old, float(grad[(position, *inner)]), **values, **(options or {}))
            for o, value in zip(out, new):
                o[index] = value
    return [o.astype(dtype) for o in out]
