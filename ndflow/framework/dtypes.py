"""TensorFlow's DType: the DataType enum, its NumPy types and the `tf.float32`... names."""

from __future__ import annotations

import builtins

import numpy as np

_REF_OFFSET = 100

# (name, enum, numpy type or None when it needs a lazy import, TF Python name aliases)
_TABLE = [
    ("float16", 19, np.float16),
    ("float32", 1, np.float32),
    ("float64", 2, np.float64),
    ("bfloat16", 14, None),
    ("int8", 6, np.int8),
    ("int16", 5, np.int16),
    ("int32", 3, np.int32),
    ("int64", 9, np.int64),
    ("uint8", 4, np.uint8),
    ("uint16", 17, np.uint16),
    ("uint32", 22, np.uint32),
    ("uint64", 23, np.uint64),
    ("bool", 10, np.bool_),
    ("string", 7, np.object_),
    ("complex64", 8, np.complex64),
    ("complex128", 18, np.complex128),
    ("qint8", 11, np.dtype([("qint8", np.int8)])),
    ("quint8", 12, np.dtype([("quint8", np.uint8)])),
    ("qint16", 15, np.dtype([("qint16", np.int16)])),
    ("quint16", 16, np.dtype([("quint16", np.uint16)])),
    ("qint32", 13, np.dtype([("qint32", np.int32)])),
    ("resource", 20, np.object_),
    ("variant", 21, np.object_),
]

# The `name` TF's DataType enum uses (DT_FLOAT...) for each canonical name.
_ENUM_NAMES = {
    "float16": "DT_HALF",
    "float32": "DT_FLOAT",
    "float64": "DT_DOUBLE",
}

_QUANTIZED = frozenset({"qint8", "quint8", "qint16", "quint16", "qint32"})


class DType:
    """Mirrors `tf.DType`: a tensor element type, possibly a reference type."""

    __slots__ = ("_enum", "_name", "_np")

    def __init__(self, type_enum: int):
        base = type_enum - _REF_OFFSET if type_enum > _REF_OFFSET else type_enum
        entry = _BY_ENUM_ROW.get(base)
        if entry is None:
            raise TypeError(f"types_pb2.DataType {type_enum} is not supported.")
        self._enum = type_enum
        self._name = entry[0] + ("_ref" if type_enum > _REF_OFFSET else "")
        self._np = entry[2]

    @property
    def name(self) -> str:
        return self._name

    @property
    def as_datatype_enum(self) -> int:
        return self._enum

    @property
    def is_ref_dtype(self) -> bool:
        return self._enum > _REF_OFFSET

    @property
    def base_dtype(self) -> DType:
        return _BY_ENUM[self._enum - _REF_OFFSET] if self.is_ref_dtype else self

    def _as_ref(self) -> DType:
        return self if self.is_ref_dtype else _BY_ENUM[self._enum + _REF_OFFSET]

    @property
    def real_dtype(self) -> DType:
        base = self.base_dtype
        if base is complex64:
            return float32
        if base is complex128:
            return float64
        return base

    @property
    def as_numpy_dtype(self):
        if self._np is None:
            self._np = _bfloat16_numpy_type()
        return self._np

    @property
    def is_numpy_compatible(self) -> bool:
        return self.base_dtype not in (resource, variant)

    @property
    def is_bool(self) -> bool:
        return self.base_dtype is bool

    @property
    def is_floating(self) -> bool:
        return self.base_dtype in (float16, float32, float64, bfloat16)

    @property
    def is_complex(self) -> bool:
        return self.base_dtype in (complex64, complex128)

    @property
    def is_integer(self) -> bool:
        base = self.base_dtype
        return base in _INTEGERS

    @property
    def is_unsigned(self) -> bool:
        return self.base_dtype in (uint8, uint16, uint32, uint64, quint8, quint16)

    @property
    def is_quantized(self) -> bool:
        return self.base_dtype.name in _QUANTIZED

    @property
    def min(self):
        return self._limits()[0]

    @property
    def max(self):
        return self._limits()[1]

    @property
    def limits(self):
        return self._limits()

    @property
    def size(self) -> int:
        base = self.base_dtype
        if base in (string, resource, variant):
            return 1
        return np.dtype(base.as_numpy_dtype).itemsize

    def _limits(self):
        base = self.base_dtype
        if base.is_quantized:
            info = np.iinfo(base.as_numpy_dtype[0])
            return info.min, info.max
        if base.is_integer:
            info = np.iinfo(base.as_numpy_dtype)
            return info.min, info.max
        if base.is_floating:
            info = np.finfo(base.as_numpy_dtype)
            return info.min, info.max
        if base is bool:
            return False, True
        raise TypeError(f"Cannot find minimum/maximum value of {self}.")

    def is_compatible_with(self, other) -> bool:
        other = as_dtype(other)
        return self._enum in (other.as_datatype_enum, other.base_dtype.as_datatype_enum)

    def __eq__(self, other) -> bool:
        if other is None:
            return False
        if not isinstance(other, DType):
            try:
                other = as_dtype(other)
            except TypeError:
                return False
        return self._enum == other._enum

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return self._enum

    def __reduce__(self):
        return as_dtype, (self._name,)

    def __repr__(self) -> str:
        return f"tf.{self._name}"

    def __str__(self) -> str:
        return f"<dtype: '{self._name}'>"


def _bfloat16_numpy_type():
    # NumPy has no bfloat16; ml_dtypes (TensorFlow's own choice) provides it. Imported only
    # when a bfloat16 value is actually materialized, so `import ndflow` stays fast.
    import ml_dtypes

    return np.dtype(ml_dtypes.bfloat16)


_BY_ENUM_ROW = {enum: (name, enum, nptype) for name, enum, nptype in _TABLE}
_BY_ENUM: dict[int, DType] = {}
for _name, _enum, _nptype in _TABLE:
    _BY_ENUM[_enum] = DType(_enum)
    _BY_ENUM[_enum + _REF_OFFSET] = DType(_enum + _REF_OFFSET)

float16 = _BY_ENUM[19]
half = float16
float32 = _BY_ENUM[1]
float64 = _BY_ENUM[2]
double = float64
bfloat16 = _BY_ENUM[14]
int8 = _BY_ENUM[6]
int16 = _BY_ENUM[5]
int32 = _BY_ENUM[3]
int64 = _BY_ENUM[9]
uint8 = _BY_ENUM[4]
uint16 = _BY_ENUM[17]
uint32 = _BY_ENUM[22]
uint64 = _BY_ENUM[23]
bool = _BY_ENUM[10]  # noqa: A001 - TF's public name `tf.bool`
string = _BY_ENUM[7]
complex64 = _BY_ENUM[8]
complex128 = _BY_ENUM[18]
qint8 = _BY_ENUM[11]
quint8 = _BY_ENUM[12]
qint16 = _BY_ENUM[15]
quint16 = _BY_ENUM[16]
qint32 = _BY_ENUM[13]
resource = _BY_ENUM[20]
variant = _BY_ENUM[21]

float16_ref = float16._as_ref()
float32_ref = float32._as_ref()
float64_ref = float64._as_ref()
int32_ref = int32._as_ref()
int64_ref = int64._as_ref()
bool_ref = bool._as_ref()
string_ref = string._as_ref()

_INTEGERS = frozenset({int8, int16, int32, int64, uint8, uint16, uint32, uint64})

_BY_NAME: dict[str, DType] = {}
for _dtype in _BY_ENUM.values():
    _BY_NAME[_dtype.name] = _dtype
_BY_NAME.update({"half": float16, "float": float32, "double": float64})
for _base in list(_BY_ENUM.values()):
    _enum_name = _ENUM_NAMES.get(_base.base_dtype.name, "DT_" + _base.base_dtype.name.upper())
    _BY_NAME[_enum_name + ("_REF" if _base.is_ref_dtype else "")] = _base

_BY_NUMPY = {
    np.dtype(np.float16): float16,
    np.dtype(np.float32): float32,
    np.dtype(np.float64): float64,
    np.dtype(np.int8): int8,
    np.dtype(np.int16): int16,
    np.dtype(np.int32): int32,
    np.dtype(np.int64): int64,
    np.dtype(np.uint8): uint8,
    np.dtype(np.uint16): uint16,
    np.dtype(np.uint32): uint32,
    np.dtype(np.uint64): uint64,
    np.dtype(np.bool_): bool,
    np.dtype(np.complex64): complex64,
    np.dtype(np.complex128): complex128,
    np.dtype(np.object_): string,
    qint8.as_numpy_dtype: qint8,
    quint8.as_numpy_dtype: quint8,
    qint16.as_numpy_dtype: qint16,
    quint16.as_numpy_dtype: quint16,
    qint32.as_numpy_dtype: qint32,
}

_BY_PYTHON_TYPE = {float: float64, int: int64, complex: complex128, str: string, bytes: string}
_BY_PYTHON_TYPE[builtins.bool] = bool


def as_dtype(type_value) -> DType:
    """Mirrors `tf.as_dtype`: a DType from a DType, enum, name, NumPy or Python type."""
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, (int, np.integer)) and not isinstance(type_value, builtins.bool):
        found = _BY_ENUM.get(int(type_value))
        if found is not None:
            return found
    if isinstance(type_value, str):
        found = _BY_NAME.get(type_value)
        if found is not None:
            return found
    if isinstance(type_value, type) and type_value in _BY_PYTHON_TYPE:
        return _BY_PYTHON_TYPE[type_value]
    found = _from_numpy(type_value)
    if found is not None:
        return found
    raise TypeError(
        f"Cannot convert the argument `type_value`: {type_value!r} to a TensorFlow DType."
    )


def _from_numpy(type_value) -> DType | None:
    try:
        np_dtype = np.dtype(type_value)
    except TypeError:
        return None
    if np_dtype.kind in "SU":
        return string
    found = _BY_NUMPY.get(np_dtype)
    if found is not None:
        return found
    if np_dtype.name == "bfloat16":
        return bfloat16
    return None


def all_dtypes() -> list[DType]:
    """Every non-reference DType, in enum order."""
    return [_BY_ENUM[enum] for enum in sorted(_BY_ENUM_ROW)]


# TF's named type sets, used by op spec strings ("T: numbertype").
_FLOATS = (float16, bfloat16, float32, float64)
_SIGNED = (int8, int16, int32, int64)
_UNSIGNED = (uint8, uint16, uint32, uint64)
_COMPLEX = (complex64, complex128)
_QUANTIZED_TYPES = (qint8, quint8, qint16, quint16, qint32)


def _in_order(names: str) -> tuple[DType, ...]:
    return tuple(as_dtype(name) for name in names.split())


# realnumbertype, numbertype and quantizedtype list their types in TF's order (TF's
# RealNumberTypes(), NumberTypes(), QuantizedTypes()), so OpDef protos and "allowed values"
# messages match TensorFlow's.
TYPE_SETS: dict[str, tuple[DType, ...]] = {
    "realnumbertype": _in_order(
        "float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64"
    ),
    "numbertype": _in_order(
        "float32 float64 int32 uint8 int16 int8 complex64 int64 qint8 quint8 qint32 bfloat16 "
        "qint16 quint16 uint16 complex128 float16 uint32 uint64"
    ),
    "quantizedtype": _in_order("qint8 quint8 qint32 qint16 quint16"),
    "floatingtype": _FLOATS,
    "complextype": _COMPLEX,
    "integertype": _SIGNED + _UNSIGNED,
}


_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "half"}


def cpp_name(dtype: DType) -> str:
    """The name TensorFlow's C++ runtime prints in messages: float, double, int32..."""
    base = dtype.base_dtype.name
    name = _CPP_NAMES.get(base, base)
    return name + "_ref" if dtype.is_ref_dtype else name
