"""`tf.compat.v1.saved_model` (TF1's SavedModel API): re-exports only."""

from ndflow.api import saved_model_builder as _builder_namespace
from ndflow.api import saved_model_constants as _constants_namespace
from ndflow.api import saved_model_loader as _loader_namespace
from ndflow.api import saved_model_main_op as _main_op_namespace
from ndflow.api import saved_model_signature_constants as _signature_constants_namespace
from ndflow.api import saved_model_signature_def_utils as _signature_def_utils_namespace
from ndflow.api import saved_model_tag_constants as _tag_constants_namespace
from ndflow.api import saved_model_utils as _utils_namespace
from ndflow.saved_model import builder as _builder
from ndflow.saved_model import loader as _loader
from ndflow.saved_model import main_op as _main_op
from ndflow.saved_model import simple_save as _simple_save

builder = _builder_namespace
constants = _constants_namespace
loader = _loader_namespace
main_op = _main_op_namespace
signature_constants = _signature_constants_namespace
signature_def_utils = _signature_def_utils_namespace
tag_constants = _tag_constants_namespace
utils = _utils_namespace

Builder = _builder.SavedModelBuilder
load = _loader.load
maybe_saved_model_directory = _loader.maybe_saved_model_directory
contains_saved_model = _loader.maybe_saved_model_directory
main_op_with_restore = _main_op.main_op_with_restore
simple_save = _simple_save.simple_save

ASSETS_DIRECTORY = constants.ASSETS_DIRECTORY
ASSETS_KEY = constants.ASSETS_KEY
DEBUG_DIRECTORY = constants.DEBUG_DIRECTORY
DEBUG_INFO_FILENAME_PB = constants.DEBUG_INFO_FILENAME_PB
LEGACY_INIT_OP_KEY = constants.LEGACY_INIT_OP_KEY
MAIN_OP_KEY = constants.MAIN_OP_KEY
SAVED_MODEL_FILENAME_PB = constants.SAVED_MODEL_FILENAME_PB
SAVED_MODEL_FILENAME_PBTXT = constants.SAVED_MODEL_FILENAME_PBTXT
SAVED_MODEL_SCHEMA_VERSION = constants.SAVED_MODEL_SCHEMA_VERSION
VARIABLES_DIRECTORY = constants.VARIABLES_DIRECTORY
VARIABLES_FILENAME = constants.VARIABLES_FILENAME

CLASSIFY_INPUTS = signature_constants.CLASSIFY_INPUTS
CLASSIFY_METHOD_NAME = signature_constants.CLASSIFY_METHOD_NAME
CLASSIFY_OUTPUT_CLASSES = signature_constants.CLASSIFY_OUTPUT_CLASSES
CLASSIFY_OUTPUT_SCORES = signature_constants.CLASSIFY_OUTPUT_SCORES
DEFAULT_SERVING_SIGNATURE_DEF_KEY = signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY
PREDICT_INPUTS = signature_constants.PREDICT_INPUTS
PREDICT_METHOD_NAME = signature_constants.PREDICT_METHOD_NAME
PREDICT_OUTPUTS = signature_constants.PREDICT_OUTPUTS
REGRESS_INPUTS = signature_constants.REGRESS_INPUTS
REGRESS_METHOD_NAME = signature_constants.REGRESS_METHOD_NAME
REGRESS_OUTPUTS = signature_constants.REGRESS_OUTPUTS

GPU = tag_constants.GPU
SERVING = tag_constants.SERVING
TPU = tag_constants.TPU
TRAINING = tag_constants.TRAINING

build_signature_def = signature_def_utils.build_signature_def
classification_signature_def = signature_def_utils.classification_signature_def
is_valid_signature = signature_def_utils.is_valid_signature
predict_signature_def = signature_def_utils.predict_signature_def
regression_signature_def = signature_def_utils.regression_signature_def
build_tensor_info = utils.build_tensor_info
get_tensor_from_tensor_info = utils.get_tensor_from_tensor_info
