"""`tf.gfile` (TF1): file access with TensorFlow's errors. Re-exports only."""

from ndflow.formats import gfile as _gfile
from ndflow.ops import io as _io

Copy = _io.Copy
DeleteRecursively = _io.DeleteRecursively
Exists = _io.Exists
FastGFile = _gfile.FastGFile
GFile = _gfile.GFile
Glob = _io.Glob
IsDirectory = _io.IsDirectory
ListDirectory = _io.ListDirectory
MakeDirs = _io.MakeDirs
MkDir = _io.MkDir
Open = _gfile.GFile
Remove = _io.Remove
Rename = _io.Rename
Stat = _io.Stat
Walk = _io.Walk
