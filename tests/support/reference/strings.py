"""Independent references for the string ops.

Written differently from the kernels on purpose: one string at a time, with explicit byte
and character loops, and the hash functions as literal scalar ports of the C++ sources
(farmhash.cc farmhashna::Hash64, the SipHash paper, tsl/platform/hash.cc) with Python ints
masked to 64 bits, where the kernels vectorize over many strings in uint64 NumPy.
"""

from __future__ import annotations

import itertools

import numpy as np

MASK = (1 << 64) - 1
WHITESPACE = b" \t\n\v\f\r"


def _objects(values, shape=None):
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out if shape is None else out.reshape(shape)


def _sparse(rows):
    """(indices, values, dense_shape) of per-row token lists."""
    indices = [[r, c] for r, tokens in enumerate(rows) for c in range(len(tokens))]
    values = [token for tokens in rows for token in tokens]
    width = max((len(tokens) for tokens in rows), default=0)
    return (
        np.array(indices, dtype=np.int64).reshape(-1, 2),
        _objects(values),
        np.array([len(rows), width], dtype=np.int64),
    )


# ---------------------------------------------------------------------- splitting


def _split_any_byte(text: bytes, delimiters: bytes, skip_empty: bool) -> list:
    if not text:
        return []
    if not delimiters:
        return [text[i : i + 1] for i in range(len(text))]
    tokens, current = [], b""
    for i in range(len(text)):
        if text[i] in delimiters:
            tokens.append(current)
            current = b""
        else:
            current += text[i : i + 1]
    tokens.append(current)
    return [t for t in tokens if t] if skip_empty else tokens


def string_split(strings, delimiter=b" ", skip_empty=True):
    return _sparse([_split_any_byte(s, delimiter, skip_empty) for s in strings])


def _split_whitespace(text: bytes, maxsplit: int) -> list:
    """TF's SplitV2 with an empty separator, step by step."""
    if maxsplit == 0:
        return [text]
    tokens, i = [], 0
    while i < len(text) and text[i] in WHITESPACE:
        i += 1
    while i < len(text):
        start = i
        while i < len(text) and text[i] not in WHITESPACE:
            i += 1
        tokens.append(text[start:i])
        while i < len(text) and text[i] in WHITESPACE:
            i += 1
        if maxsplit > 0 and len(tokens) == maxsplit:
            tokens.append(text[i:])
            return tokens
    return tokens


def _split_separator(text: bytes, sep: bytes, maxsplit: int) -> list:
    tokens, start, i = [], 0, 0
    while i <= len(text) - len(sep):
        if text[i : i + len(sep)] == sep and (maxsplit < 0 or len(tokens) < maxsplit):
            tokens.append(text[start:i])
            i += len(sep)
            start = i
        else:
            i += 1
    tokens.append(text[start:])
    return tokens


def string_split_v2(strings, sep=b"", maxsplit=-1):
    if sep:
        return _sparse([_split_separator(s, sep, maxsplit) for s in strings])
    return _sparse([_split_whitespace(s, maxsplit) for s in strings])


# ---------------------------------------------------------------------- joining


def reduce_join(x, axes, keep_dims=False, separator=b""):
    """Joins over `axes` (the first varies fastest) by walking every output index."""
    x = np.asarray(x, dtype=object)
    axes = [a % x.ndim for a in axes]
    kept = [d for d in range(x.ndim) if d not in axes]
    out_shape = [x.shape[d] for d in kept]
    out = np.empty(out_shape, dtype=object)
    for out_index in np.ndindex(*out_shape):
        pieces = []
        # itertools.product varies its last factor fastest: list the axes in reverse.
        for reduced in itertools.product(*[range(x.shape[a]) for a in reversed(axes)]):
            full = [0] * x.ndim
            for d, i in zip(kept, out_index):
                full[d] = i
            for a, i in zip(reversed(axes), reduced):
                full[a] = i
            pieces.append(x[tuple(full)])
        out[out_index] = separator.join(pieces)
    if keep_dims:
        out = out.reshape([1 if d in axes else x.shape[d] for d in range(x.ndim)])
    return out


# ---------------------------------------------------------------------- element-wise


def substr_bytes(strings, pos, length):
    out = []
    for s, p, n in zip(np.ravel(strings), np.ravel(pos), np.ravel(length)):
        start = p + len(s) if p < 0 else p
        stop = len(s) if n < 0 else min(len(s), start + n)
        out.append(s[start:stop])
    return _objects(out, np.shape(strings))


def substr_chars(strings, pos, length):
    """UTF-8 substrings of valid UTF-8 text, by decoding (pos >= 0, len >= 0)."""
    out = [
        s.decode("utf-8")[p : p + n].encode("utf-8")
        for s, p, n in zip(np.ravel(strings), np.ravel(pos), np.ravel(length))
    ]
    return _objects(out, np.shape(strings))


def length(strings, unit="BYTE"):
    counts = [
        len(s) if unit == "BYTE" else sum(1 for b in s if b & 0xC0 != 0x80)
        for s in np.ravel(strings)
    ]
    return np.array(counts, dtype=np.int32).reshape(np.shape(strings))


def _ascii_map(text: bytes, low: int, high: int, delta: int) -> bytes:
    return bytes(b + delta if low <= b <= high else b for b in text)


def lower(strings):
    out = [_ascii_map(s, ord("A"), ord("Z"), 32) for s in np.ravel(strings)]
    return _objects(out, np.shape(strings))


def upper(strings):
    out = [_ascii_map(s, ord("a"), ord("z"), -32) for s in np.ravel(strings)]
    return _objects(out, np.shape(strings))


def strip(strings):
    out = []
    for s in np.ravel(strings):
        start, stop = 0, len(s)
        while start < stop and s[start] in WHITESPACE:
            start += 1
        while stop > start and s[stop - 1] in WHITESPACE:
            stop -= 1
        out.append(s[start:stop])
    return _objects(out, np.shape(strings))


def join(a, b, separator=b""):
    a, b = np.broadcast_arrays(np.asarray(a, dtype=object), np.asarray(b, dtype=object))
    out = [x + separator + y for x, y in zip(a.ravel(), b.ravel())]
    return _objects(out, a.shape)


# ---------------------------------------------------------------------- FarmHash Fingerprint64

K0, K1, K2 = 0xC3A5C85C97CB3127, 0xB492B66FBE98F273, 0x9AE16A3B2F90404F


def _fetch64(s: bytes, i: int) -> int:
    return int.from_bytes(s[i : i + 8], "little")


def _fetch32(s: bytes, i: int) -> int:
    return int.from_bytes(s[i : i + 4], "little")


def _rotate(v: int, shift: int) -> int:
    return ((v >> shift) | (v << (64 - shift))) & MASK


def _shift_mix(v: int) -> int:
    return v ^ (v >> 47)


def _hash_len16(u: int, v: int, mul: int) -> int:
    a = ((u ^ v) * mul) & MASK
    a ^= a >> 47
    b = ((v ^ a) * mul) & MASK
    b ^= b >> 47
    return (b * mul) & MASK


def _hash_len0to16(s: bytes) -> int:
    n = len(s)
    if n >= 8:
        mul = K2 + n * 2
        a = (_fetch64(s, 0) + K2) & MASK
        b = _fetch64(s, n - 8)
        c = (_rotate(b, 37) * mul + a) & MASK
        d = ((_rotate(a, 25) + b) * mul) & MASK
        return _hash_len16(c, d, mul)
    if n >= 4:
        mul = K2 + n * 2
        return _hash_len16((n + (_fetch32(s, 0) << 3)) & MASK, _fetch32(s, n - 4), mul)
    if n > 0:
        y = s[0] + (s[n >> 1] << 8)
        z = n + (s[n - 1] << 2)
        return (_shift_mix(((y * K2) ^ (z * K0)) & MASK) * K2) & MASK
    return K2


def _hash_len17to32(s: bytes) -> int:
    n = len(s)
    mul = K2 + n * 2
    a = (_fetch64(s, 0) * K1) & MASK
    b = _fetch64(s, 8)
    c = (_fetch64(s, n - 8) * mul) & MASK
    d = (_fetch64(s, n - 16) * K2) & MASK
    return _hash_len16(
        (_rotate((a + b) & MASK, 43) + _rotate(c, 30) + d) & MASK,
        (a + _rotate((b + K2) & MASK, 18) + c) & MASK,
        mul,
    )


def _hash_len33to64(s: bytes) -> int:
    n = len(s)
    mul = K2 + n * 2
    a = (_fetch64(s, 0) * K2) & MASK
    b = _fetch64(s, 8)
    c = (_fetch64(s, n - 8) * mul) & MASK
    d = (_fetch64(s, n - 16) * K2) & MASK
    y = (_rotate((a + b) & MASK, 43) + _rotate(c, 30) + d) & MASK
    z = _hash_len16(y, (a + _rotate((b + K2) & MASK, 18) + c) & MASK, mul)
    e = (_fetch64(s, 16) * mul) & MASK
    f = _fetch64(s, 24)
    g = ((y + _fetch64(s, n - 32)) * mul) & MASK
    h = ((z + _fetch64(s, n - 24)) * mul) & MASK
    return _hash_len16(
        (_rotate((e + f) & MASK, 43) + _rotate(g, 30) + h) & MASK,
        (e + _rotate((f + a) & MASK, 18) + g) & MASK,
        mul,
    )


def _weak32(s: bytes, i: int, a: int, b: int):
    w, x, y, z = (_fetch64(s, i + k) for k in (0, 8, 16, 24))
    a = (a + w) & MASK
    b = _rotate((b + a + z) & MASK, 21)
    c = a
    a = (a + x + y) & MASK
    b = (b + _rotate(a, 44)) & MASK
    return (a + z) & MASK, (b + c) & MASK


def fingerprint64(s: bytes) -> int:
    n = len(s)
    if n <= 16:
        return _hash_len0to16(s)
    if n <= 32:
        return _hash_len17to32(s)
    if n <= 64:
        return _hash_len33to64(s)
    x = 81
    y = (81 * K1 + 113) & MASK
    z = (_shift_mix((y * K2 + 113) & MASK) * K2) & MASK
    v, w = (0, 0), (0, 0)
    x = (x * K2 + _fetch64(s, 0)) & MASK
    for i in range(0, ((n - 1) // 64) * 64, 64):
        x = (_rotate((x + y + v[0] + _fetch64(s, i + 8)) & MASK, 37) * K1) & MASK
        y = (_rotate((y + v[1] + _fetch64(s, i + 48)) & MASK, 42) * K1) & MASK
        x ^= w[1]
        y = (y + v[0] + _fetch64(s, i + 40)) & MASK
        z = (_rotate((z + w[0]) & MASK, 33) * K1) & MASK
        v = _weak32(s, i, (v[1] * K1) & MASK, (x + w[0]) & MASK)
        w = _weak32(s, i + 32, (z + w[1]) & MASK, (y + _fetch64(s, i + 16)) & MASK)
        z, x = x, z
    mul = K1 + ((z & 0xFF) << 1)
    i = n - 64
    w = ((w[0] + ((n - 1) & 63)) & MASK, w[1])
    v = ((v[0] + w[0]) & MASK, v[1])
    w = ((w[0] + v[0]) & MASK, w[1])
    x = (_rotate((x + y + v[0] + _fetch64(s, i + 8)) & MASK, 37) * mul) & MASK
    y = (_rotate((y + v[1] + _fetch64(s, i + 48)) & MASK, 42) * mul) & MASK
    x ^= (w[1] * 9) & MASK
    y = (y + v[0] * 9 + _fetch64(s, i + 40)) & MASK
    z = (_rotate((z + w[0]) & MASK, 33) * mul) & MASK
    v = _weak32(s, i, (v[1] * mul) & MASK, (x + w[0]) & MASK)
    w = _weak32(s, i + 32, (z + w[1]) & MASK, (y + _fetch64(s, i + 16)) & MASK)
    z, x = x, z
    return _hash_len16(
        (_hash_len16(v[0], w[0], mul) + _shift_mix(y) * K0 + z) & MASK,
        (_hash_len16(v[1], w[1], mul) + x) & MASK,
        mul,
    )


# ---------------------------------------------------------------------- SipHash-2-4, Hash64


def _rotl(v: int, shift: int) -> int:
    return ((v << shift) | (v >> (64 - shift))) & MASK


def _sip_round(v0, v1, v2, v3):
    v0 = (v0 + v1) & MASK
    v1 = _rotl(v1, 13) ^ v0
    v0 = _rotl(v0, 32)
    v2 = (v2 + v3) & MASK
    v3 = _rotl(v3, 16) ^ v2
    v0 = (v0 + v3) & MASK
    v3 = _rotl(v3, 21) ^ v0
    v2 = (v2 + v1) & MASK
    v1 = _rotl(v1, 17) ^ v2
    v2 = _rotl(v2, 32)
    return v0, v1, v2, v3


def siphash24(s: bytes, k0: int, k1: int) -> int:
    k0, k1 = k0 & MASK, k1 & MASK
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D, k0 ^ 0x6C7967656E657261,
         k1 ^ 0x7465646279746573]  # fmt: skip
    blocks = len(s) // 8
    words = [_fetch64(s, 8 * i) for i in range(blocks)]
    words.append(int.from_bytes(s[8 * blocks :], "little") | ((len(s) & 0xFF) << 56))
    for m in words:
        v[3] ^= m
        v = list(_sip_round(*_sip_round(*v)))
        v[0] ^= m
    v[2] ^= 0xFF
    for _ in range(4):
        v = list(_sip_round(*v))
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def hash64(s: bytes, seed: int = 0xDECAFCAFFE) -> int:
    m = 0xC6A4A7935BD1E995
    h = seed ^ ((len(s) * m) & MASK)
    for i in range(0, len(s) - len(s) % 8, 8):
        k = (_fetch64(s, i) * m) & MASK
        k ^= k >> 47
        k = (k * m) & MASK
        h = ((h ^ k) * m) & MASK
    rest = s[len(s) - len(s) % 8 :]
    if rest:
        for j in range(len(rest) - 1, -1, -1):
            h ^= rest[j] << (8 * j)
        h = (h * m) & MASK
    h ^= h >> 47
    h = (h * m) & MASK
    return h ^ (h >> 47)


def buckets(function, strings, num_buckets, *args):
    values = [function(s, *args) % num_buckets for s in np.ravel(strings)]
    return np.array(values, dtype=np.int64).reshape(np.shape(strings))
