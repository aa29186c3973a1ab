"""`ndflow saved_model_cli`: TensorFlow's `saved_model_cli` (show, run, scan) on ndflow.

Output is TensorFlow's, line for line (the `--all` op set is printed sorted, where TF prints a
Python set in hash order; TF2 models' "Concrete Functions" come from the object graph). Inputs
never run code: `--inputs` reads .npy/.npz only (no pickle), `--input_exprs` takes literals and
a whitelist of NumPy constructors (see `ndflow/cli/input_exprs.py`).
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import sys
import zipfile

import numpy as np

from ndflow.cli import concrete_functions
from ndflow.cli import input_exprs
from ndflow.framework import errors
from ndflow.framework import graph as graph_lib
from ndflow.framework import meta_graph as meta_graph_lib
from ndflow.proto import example_pb2
from ndflow.proto import types_pb2
from ndflow.runtime import session as session_lib
from ndflow.saved_model import loader
from ndflow.saved_model import saved_model_file

_OP_DENYLIST = {"WriteFile", "ReadFile", "PrintV2"}


# ---------------------------------------------------------------------- show


def _read(saved_model_dir):
    """TF's saved_model_utils.read_saved_model: the SavedModel proto, IOError when absent."""
    if not saved_model_file.maybe_saved_model_directory(saved_model_dir):
        raise OSError(f"SavedModel file does not exist at: {saved_model_dir}")
    return saved_model_file.parse_saved_model(saved_model_dir)


def _tags(tag_set: str) -> list:
    tags = [tag.strip() for tag in tag_set.split(",") if tag and tag.strip()]
    if not tags:
        raise ValueError("tag_set must contain at least one non-empty item.")
    return tags


def get_meta_graph_def(saved_model_dir, tag_set: str):
    """Mirrors TF's `saved_model_utils.get_meta_graph_def`: the MetaGraphDef of a tag-set
    given as "tag1,tag2".

    Raises:
      RuntimeError: no MetaGraphDef has exactly these tags (TF's message).
    """
    saved_model = _read(saved_model_dir)
    wanted = {tag for tag in tag_set.split(",") if tag}
    valid = []
    for meta_graph in saved_model.meta_graphs:
        tags = set(meta_graph.meta_info_def.tags)
        if tags == wanted:
            return meta_graph
        valid.append(",".join(sorted(tags)))  # TF joins a set, in hash order
    raise RuntimeError(
        f"MetaGraphDef associated with tag-set {tag_set} could not be found in the "
        f"SavedModel. Please use one of the following tag-sets: {valid}"
    )


def _meta_graph(saved_model_dir, tag_set: str):
    return get_meta_graph_def(saved_model_dir, ",".join(_tags(tag_set)))


def _show_tag_sets(saved_model_dir) -> None:
    tag_sets = [list(m.meta_info_def.tags) for m in _read(saved_model_dir).meta_graphs]
    print("The given SavedModel contains the following tag-sets:")
    for tag_set in sorted(tag_sets):
        print(repr(", ".join(sorted(tag_set))))


def _show_signature_def_map_keys(saved_model_dir, tag_set: str) -> None:
    signature_def_map = get_meta_graph_def(saved_model_dir, tag_set).signature_def
    print("The given SavedModel MetaGraphDef contains SignatureDefs with the following keys:")
    for key in sorted(signature_def_map):
        print(f'SignatureDef key: "{key}"')


def _signature(meta_graph, key: str):
    if key not in meta_graph.signature_def:
        raise ValueError(
            f'Could not find signature "{key}". Please choose from: '
            f"{', '.join(meta_graph.signature_def.keys())}"
        )
    return meta_graph.signature_def[key]


def _print_tensor_info(tensor_info, indent: int) -> None:
    prefix = "  " * indent
    if tensor_info.tensor_shape.unknown_rank:
        shape = "unknown_rank"
    else:
        shape = "(" + ", ".join(str(dim.size) for dim in tensor_info.tensor_shape.dim) + ")"
    print(f"{prefix}    dtype: {types_pb2.DataType.Name(tensor_info.dtype)}")
    print(f"{prefix}    shape: {shape}")
    print(f"{prefix}    name: {tensor_info.name}")


def _show_inputs_outputs(meta_graph, key: str, indent: int = 0) -> None:
    signature = _signature(meta_graph, key)
    prefix = "  " * indent
    print(f"{prefix}The given SavedModel SignatureDef contains the following input(s):")
    for name, info in sorted(signature.inputs.items()):
        print(f"{prefix}  inputs['{name}'] tensor_info:")
        _print_tensor_info(info, indent + 1)
    print(f"{prefix}The given SavedModel SignatureDef contains the following output(s):")
    for name, info in sorted(signature.outputs.items()):
        print(f"{prefix}  outputs['{name}'] tensor_info:")
        _print_tensor_info(info, indent + 1)
    print(f"{prefix}Method name is: {signature.method_name}")


def _set_text(names) -> str:
    # TF prints a Python set (hash order, so it changes run to run); ndflow sorts it.
    return "{" + ", ".join(repr(name) for name in sorted(names)) + "}"


def _show_ops(meta_graph) -> None:
    ops = set(meta_graph_lib.ops_used_by_graph_def(meta_graph.graph_def))
    tags = list(meta_graph.meta_info_def.tags)
    print(f"The MetaGraph with tag set {tags} contains the following ops: {_set_text(ops)}")


def _show_all(saved_model_dir) -> None:
    saved_model = _read(saved_model_dir)
    for meta_graph in sorted(saved_model.meta_graphs, key=lambda m: list(m.meta_info_def.tags)):
        tag_set = ", ".join(meta_graph.meta_info_def.tags)
        print(f"\nMetaGraphDef with tag-set: '{tag_set}' contains the following SignatureDefs:")
        for key in sorted(meta_graph.signature_def):
            print(f"\nsignature_def['{key}']:")
            _show_inputs_outputs(meta_graph, key, indent=1)
        _show_ops(meta_graph)
    concrete_functions.show_defined_functions(saved_model.meta_graphs)


def show(args) -> None:
    """`saved_model_cli show`: tag-sets, signature keys, one signature, or everything."""
    if args.all:
        _show_all(args.dir)
        return
    if args.tag_set is None:
        if args.list_ops:
            print("--list_ops must be paired with a tag-set or with --all.")
        _show_tag_sets(args.dir)
        return
    if args.list_ops:
        _show_ops(_meta_graph(args.dir, args.tag_set))
    if args.signature_def is None:
        _show_signature_def_map_keys(args.dir, args.tag_set)
        return
    _show_inputs_outputs(_meta_graph(args.dir, args.tag_set), args.signature_def)


# ---------------------------------------------------------------------- scan


def scan(args) -> None:
    """`saved_model_cli scan`: reports denylisted ops (ReadFile, WriteFile, PrintV2 by
    default) in each MetaGraph."""
    denylist = _OP_DENYLIST
    if args.op_denylist is not None:
        denylist = {op.strip() for op in args.op_denylist.split(",") if op and op.strip()}
    if args.tag_set:
        meta_graphs = [_meta_graph(args.dir, args.tag_set)]
    else:
        meta_graphs = list(_read(args.dir).meta_graphs)
    for meta_graph in meta_graphs:
        tags = list(meta_graph.meta_info_def.tags)
        found = denylist & set(meta_graph_lib.ops_used_by_graph_def(meta_graph.graph_def))
        if found:
            print(
                f"MetaGraph with tag set {tags} contains the following denylisted ops: "
                f"{_set_text(found)}"
            )
        else:
            print(
                f"MetaGraph with tag set {tags} does not contain the default denylisted ops: "
                f"{_set_text(denylist)}"
            )


# ---------------------------------------------------------------------- run: inputs


def _warn(message: str) -> None:
    print(f"WARNING: {message}", file=sys.stderr)


def preprocess_inputs_arg_string(inputs_str: str) -> dict:
    """Mirrors TF's parser of `--inputs "key=file.npy;key2=file.npz[name]"`:
    {key: (filename, variable name or None)}.

    Raises:
      RuntimeError: an item is not "<key>=<file>" or "<key>=<file>[<name>]".
    """
    parsed = {}
    for item in filter(bool, inputs_str.split(";")):
        match = re.match(r"([^=]+)=([^\[\]]+)\[([^\[\]]+)\]$", item)
        if match:
            parsed[match.group(1)] = match.group(2), match.group(3)
            continue
        match = re.match(r"([^=]+)=([^\[\]]+)$", item)
        if not match:
            raise RuntimeError(
                f'--inputs "{item}" format is incorrect. Please follow"<input_key>=<filename>", '
                'or"<input_key>=<filename>[<variable_name>]"'
            )
        parsed[match.group(1)] = match.group(2), None
    return parsed


def preprocess_input_exprs_arg_string(input_exprs_str: str) -> dict:
    """{key: value} from `--input_exprs "key=<expression>;..."` (see `input_exprs`)."""
    parsed = {}
    for item in filter(bool, input_exprs_str.split(";")):
        if "=" not in item:
            raise RuntimeError(
                f'--input_exprs "{input_exprs_str}" format is incorrect. Please follow'
                '"<input_key>=<python expression>"'
            )
        key, expression = item.split("=", 1)
        parsed[key] = input_exprs.evaluate(expression)
    return parsed


def preprocess_input_examples_arg_string(input_examples_str: str) -> dict:
    """{key: [serialized tf.Example]} from `--input_examples 'key=[{"x": [1.0]}]'`.

    Raises:
      ValueError: a value is not a list of {feature: list} dicts, or a feature type is not
        float, int, str or bytes (TF's messages).
    """
    parsed = {}
    for item in filter(bool, input_examples_str.split(";")):
        if "=" not in item:
            raise RuntimeError(
                f'--input_examples "{input_examples_str}" format is incorrect. Please follow'
                '"<input_key>=[{feature:value_list}]"'
            )
        key, text = item.split("=", 1)
        try:
            examples = ast.literal_eval(text)
        except (SyntaxError, ValueError) as error:
            raise RuntimeError(f'Expression "{text}" is not a valid python literal.') from error
        if not isinstance(examples, list):
            raise ValueError(
                f'tf.Example input must be a list of dictionaries, but "{examples}" is '
                f"{type(examples)}"
            )
        parsed[key] = [_example_bytes(features) for features in examples]
    return parsed


def _example_bytes(features: dict) -> bytes:
    example = example_pb2.Example()
    for name, values in features.items():
        if not isinstance(values, list):
            raise ValueError(
                f'feature value must be a list, but {name}: "{values}" is {type(values)}'
            )
        feature = example.features.feature[name]
        first = values[0]
        if isinstance(first, float):
            feature.float_list.value.extend(values)
        elif isinstance(first, str):
            feature.bytes_list.value.extend([v.encode("utf8") for v in values])
        elif isinstance(first, bytes):
            feature.bytes_list.value.extend(values)
        elif isinstance(first, int):
            feature.int64_list.value.extend(values)
        else:
            raise ValueError(
                f"Type {type(first)} for value {first} is not supported for tf.train.Feature."
            )
    return example.SerializeToString()


def _load_array(filename: str, variable_name):
    """The array in a .npy file, or one array of a .npz file; pickles are refused."""
    try:
        data = np.load(filename, allow_pickle=False)
    except (ValueError, OSError, zipfile.BadZipFile) as error:
        raise RuntimeError(
            f"Input file {filename} is not a .npy or .npz file ndflow can read without "
            f"pickle: {error}"
        ) from None
    if isinstance(data, np.ndarray):
        if variable_name:
            _warn(
                f'Input file {filename} contains a single ndarray. Name key "{variable_name}" '
                "ignored."
            )
        return data
    with data:
        if variable_name:
            if variable_name not in data.files:
                raise RuntimeError(
                    f'Input file {filename} does not contain variable with name "{variable_name}".'
                )
            return data[variable_name]
        if len(data.files) != 1:
            raise RuntimeError(
                f"Input file {filename} contains more than one ndarrays. Please specify the "
                "name of ndarray to use."
            )
        return data[data.files[0]]


def load_inputs_from_input_arg_string(inputs_str, input_exprs_str, input_examples_str) -> dict:
    """Mirrors TF's function of the same name: {input key: value} from the three flags, later
    flags overriding earlier ones for the same key."""
    feeds = {
        key: _load_array(filename, name)
        for key, (filename, name) in preprocess_inputs_arg_string(inputs_str).items()
    }
    for key, value in preprocess_input_exprs_arg_string(input_exprs_str).items():
        if key in feeds:
            _warn(
                f"input_key {key} has been specified with both --inputs and --input_exprs "
                "options. Value in --input_exprs will be used."
            )
        feeds[key] = value
    for key, value in preprocess_input_examples_arg_string(input_examples_str).items():
        if key in feeds:
            _warn(
                f"input_key {key} has been specified in multiple options. Value in "
                "--input_examples will be used."
            )
        feeds[key] = value
    return feeds


# ---------------------------------------------------------------------- run


def run_saved_model_with_feed_dict(
    saved_model_dir, tag_set, signature_def_key, input_tensor_key_feed_dict, outdir, overwrite
) -> None:
    """Mirrors TF's function of the same name: loads the SavedModel in a fresh graph, runs
    the signature's outputs (sorted by key) and prints each, saving them as .npy in `outdir`.

    Raises:
      ValueError: an input key is not one of the signature's.
      RuntimeError: an output file exists and `overwrite` is False.
    """
    tags = _tags(tag_set)
    meta_graph = get_meta_graph_def(saved_model_dir, ",".join(tags))
    inputs = _signature(meta_graph, signature_def_key).inputs
    for key in input_tensor_key_feed_dict:
        if key not in inputs:
            choices = '"' + '", "'.join(inputs.keys()) + '"'
            raise ValueError(
                f'"{key}" is not a valid input key. Please choose from {choices}, or use '
                "--show option."
            )
    feed_dict = {inputs[key].name: value for key, value in input_tensor_key_feed_dict.items()}
    outputs = meta_graph.signature_def[signature_def_key].outputs
    output_keys = sorted(outputs)
    with session_lib.Session(graph=graph_lib.Graph()) as sess:
        loader.load(sess, tags, saved_model_dir)
        results = sess.run([outputs[key].name for key in output_keys], feed_dict=feed_dict)
    for key, result in zip(output_keys, results):
        print(f"Result for output key {key}:\n{result}")
        if outdir:
            _save_output(outdir, key, result, overwrite)


def _save_output(outdir: str, key: str, value, overwrite: bool) -> None:
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, key + ".npy")
    if not overwrite and os.path.exists(path):
        raise RuntimeError(
            f'Output file {path} already exists. Add "--overwrite" to overwrite the existing '
            "output files."
        )
    value = np.asarray(value)
    if value.dtype == object:
        # String tensors come back as object arrays of bytes; TF pickles them into the .npy,
        # ndflow writes a fixed-width bytes array that loads without pickle.
        value = value.astype(np.bytes_)
    np.save(path, value, allow_pickle=False)
    print(f"Output {key} is saved to {path}")


def run(args) -> None:
    """`saved_model_cli run`."""
    if not args.inputs and not args.input_exprs and not args.input_examples:
        raise AttributeError(
            "At least one of --inputs, --input_exprs or --input_examples must be required"
        )
    feeds = load_inputs_from_input_arg_string(args.inputs, args.input_exprs, args.input_examples)
    run_saved_model_with_feed_dict(
        args.dir, args.tag_set, args.signature_def, feeds, args.outdir, args.overwrite
    )


# ---------------------------------------------------------------------- parser


def _flags() -> argparse.ArgumentParser:
    flags = argparse.ArgumentParser(add_help=False)
    flags.add_argument("--dir", help="Directory containing the SavedModel.")
    flags.add_argument("--all", action="store_true", help="Show all available information.")
    flags.add_argument("--tag_set", help="Comma-separated set of tags of a MetaGraphDef.")
    flags.add_argument("--signature_def", help="A SignatureDef key.")
    flags.add_argument("--list_ops", action="store_true", help="List the MetaGraph's ops.")
    flags.add_argument(
        "--inputs", default="", help="'<input_key>=<filename>[<variable_name>]' (.npy/.npz)."
    )
    flags.add_argument(
        "--input_exprs",
        default="",
        help="'<input_key>=<expression>': Python literals or whitelisted np.<fn>(...) calls.",
    )
    flags.add_argument("--input_examples", default="", help="'<input_key>=[{feature:value_list}]'.")
    flags.add_argument("--outdir", help="Writes outputs as .npy files to this directory.")
    flags.add_argument("--overwrite", action="store_true", help="Overwrite output files.")
    flags.add_argument("--op_denylist", help="Comma-separated ops to scan for.")
    return flags


_REQUIRED = {"show": ["dir"], "run": ["dir", "tag_set", "signature_def"], "scan": ["dir"]}


def create_parser() -> argparse.ArgumentParser:
    """The `saved_model_cli` argument parser (commands show, run, scan)."""
    parser = argparse.ArgumentParser(
        prog="saved_model_cli",
        description="saved_model_cli: Command-line interface for SavedModel",
    )
    parser.add_argument("-v", "--version", action="version", version="0.1.0")
    commands = parser.add_subparsers(title="commands", dest="command")
    flags = _flags()
    for name, func in (("show", show), ("run", run), ("scan", scan)):
        command = commands.add_parser(name, parents=[flags])
        command.set_defaults(func=func)
    return parser


def main(argv=None) -> int:
    """Runs `saved_model_cli <command> [flags]`; returns the exit status."""
    parser = create_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.error("Too few arguments.")
    missing = [f"--{flag}" for flag in _REQUIRED[args.command] if getattr(args, flag) is None]
    if missing:
        parser.error(f"flag(s) {', '.join(missing)} must be specified")
    try:
        args.func(args)
    except (RuntimeError, ValueError, OSError, AttributeError, errors.OpError) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0
