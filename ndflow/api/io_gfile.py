"""`tf.io.gfile`: local file-system access with TensorFlow's errors. Re-exports only."""

from ndflow.formats import gfile as _gfile

GFile = _gfile.GFile
copy = _gfile.copy
exists = _gfile.exists
get_registered_schemes = _gfile.get_registered_schemes
glob = _gfile.glob
isdir = _gfile.isdir
join = _gfile.join
listdir = _gfile.listdir
makedirs = _gfile.makedirs
mkdir = _gfile.mkdir
remove = _gfile.remove
rename = _gfile.rename
rmtree = _gfile.rmtree
stat = _gfile.stat
walk = _gfile.walk
