"""tfprof: profile / advise / Profiler / write_op_log and ProfileOptionBuilder."""

from __future__ import annotations

import json

import pytest

import ndflow as tf
from ndflow.api import profiler as tf_profiler
from ndflow.framework import errors
from ndflow.profiler import option_builder
from ndflow.profiler import tfprof_logger
from ndflow.proto import tfprof_log_pb2
from tests.profiler import cnn

Builder = option_builder.ProfileOptionBuilder


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


@pytest.fixture
def traced():
    train, loss, feed = cnn.build()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    run_meta = cnn.traced_step(sess, train, loss, feed)
    yield sess.graph, run_meta
    sess.close()


def _quiet(options: dict) -> dict:
    return Builder(options).with_empty_output().build()


def test_default_profile_counts_trainable_parameters(traced, capsys):
    graph, _ = traced
    result = tf_profiler.profile(graph)
    assert isinstance(result, tf_profiler.GraphNodeProto)
    assert result.name == "_TFProfRoot"
    assert result.total_parameters == 3 * 3 * 3 * 8 + 8 + 288 * 5
    assert {c.name for c in result.children} == {"conv1/kernel", "conv1/bias", "dense/kernel"}
    text = capsys.readouterr().out
    assert "node name | # parameters" in text
    assert "_TFProfRoot (--/1.66k params)" in text
    assert "  dense/kernel (288x5, 1.44k/1.44k params)" in text
    assert text.rstrip().endswith("End of Report==========================")


def test_float_operations_from_shapes(traced):
    graph, run_meta = traced
    result = tf_profiler.profile(
        graph, run_meta=run_meta, cmd="op", options=_quiet(Builder.float_operation())
    )
    assert isinstance(result, tf_profiler.MultiGraphNodeProto)
    flops = {child.name: child.float_ops for child in result.children}
    assert flops["Conv2D"] == 2 * (cnn.BATCH * 12 * 12 * 8) * 3 * 3 * 3
    assert flops["MatMul"] == 2 * 288 * (cnn.BATCH * 5) + 2 * 5 * (
        cnn.BATCH * 288
    ) + 2 * cnn.BATCH * (288 * 5)
    assert list(flops) == sorted(flops, key=lambda name: -flops[name])


def test_time_and_memory_op_table(traced, capsys):
    graph, run_meta = traced
    options = Builder.time_and_memory(min_bytes=0, min_micros=0)
    result = tf_profiler.profile(graph, run_meta=run_meta, cmd="op", options=options)
    by_type = {child.name: child for child in result.children}
    executed = run_meta.step_stats.dev_stats[0].node_stats
    ran = [n for c in result.children for n in c.graph_nodes if n.run_count]
    assert len(ran) == len(executed)
    assert by_type["Conv2D"].requested_bytes == cnn.BATCH * 12 * 12 * 8 * 4
    micros = [child.exec_micros for child in result.children]
    assert micros == sorted(micros, reverse=True)
    lines = capsys.readouterr().out.splitlines()
    header = (
        "node name | requested bytes | total execution time | accelerator execution time"
        " | cpu execution time"
    )
    assert header in lines
    first = lines[lines.index(header) + 1]
    assert "(100.00%," in first


def test_scope_view_times_nest_by_name(traced):
    graph, run_meta = traced
    options = _quiet(
        Builder(Builder.time_and_memory(min_bytes=0, min_micros=0)).with_max_depth(1).build()
    )
    result = tf_profiler.profile(graph, run_meta=run_meta, cmd="scope", options=options)
    conv1 = [c for c in result.children if c.name == "conv1"][0]
    assert not conv1.children  # max_depth 1
    assert conv1.total_exec_micros >= 0 and result.total_requested_bytes > 0


def test_graph_view_and_file_output(traced, tmp_path):
    graph, run_meta = traced
    path = tmp_path / "report.txt"
    options = (
        Builder(Builder.time_and_memory(min_bytes=0, min_micros=0))
        .with_file_output(str(path))
        .build()
    )
    result = tf_profiler.profile(graph, run_meta=run_meta, cmd="graph", options=options)
    assert result.total_run_count == len(run_meta.step_stats.dev_stats[0].node_stats)
    assert "graph: The nodes in the model graph" in path.read_text()


def test_timeline_output_writes_chrome_trace(traced, tmp_path):
    graph, run_meta = traced
    path = tmp_path / "timeline.json"
    options = Builder(Builder.time_and_memory()).with_timeline_output(str(path)).build()
    tf_profiler.profile(graph, run_meta=run_meta, cmd="scope", options=options)
    assert [e for e in json.loads(path.read_text())["traceEvents"] if e["ph"] == "X"]


def test_name_filters_and_unknown_cmd(traced):
    graph, run_meta = traced
    options = _quiet(
        Builder(Builder.time_and_memory(min_bytes=0, min_micros=0))
        .with_node_names(show_name_regexes=["conv1/.*"], hide_name_regexes=[".*Relu"])
        .build()
    )
    result = tf_profiler.profile(graph, run_meta=run_meta, cmd="scope", options=options)
    names = {c.name for c in result.children}
    assert "conv1/Conv2D" in names and "conv1/Relu" not in names
    assert all(name.startswith("conv1/") for name in names)
    with pytest.raises(errors.InvalidArgumentError):
        tf_profiler.profile(graph, cmd="nope", options=options)
    with pytest.raises(errors.UnimplementedError):
        tf_profiler.profile(graph, cmd="code", options=options)


def test_profiler_class_over_steps_and_advice(traced, capsys):
    graph, run_meta = traced
    profiler = tf_profiler.Profiler(graph)
    profiler.add_step(0, run_meta)
    profiler.add_step(1, run_meta)
    options = _quiet(Builder.time_and_memory(min_bytes=0, min_micros=0))
    operations = profiler.profile_operations(options)
    assert operations.children
    assert (
        profiler.profile_name_scope(
            _quiet(Builder.trainable_variables_parameter())
        ).total_parameters
        == 1664
    )
    assert profiler.profile_graph(options).name == "_TFProfRoot"
    advice = profiler.advise()
    assert isinstance(advice, tf_profiler.AdviceProto)
    assert (
        advice.checkers["ExpensiveOperationChecker"].reports[0].startswith("top 1 operation type: ")
    )
    assert "ExpensiveOperationChecker:" in capsys.readouterr().out
    parsed = tfprof_log_pb2.ProfileProto.FromString(profiler.serialize_to_string())
    assert list(parsed.steps) == [0, 1] and parsed.nodes
    with pytest.raises(errors.UnimplementedError):
        profiler.profile_python(options)


def test_advise_without_run_meta():
    cnn.build()
    advice = tf_profiler.advise(tf.get_default_graph())
    assert "Missing run_meta" in advice.checkers["ExpensiveOperationChecker"].reports[0]


def test_write_op_log_marks_trainable_variables_and_flops(traced, tmp_path):
    graph, run_meta = traced
    extra = tf_profiler.OpLogProto()
    extra.log_entries.add(name="dense/kernel", types=["my_type"])
    tf_profiler.write_op_log(graph, str(tmp_path), op_log=extra, run_meta=run_meta)
    log = tfprof_log_pb2.OpLogProto.FromString((tmp_path / "tfprof_log").read_bytes())
    entries = {entry.name: entry for entry in log.log_entries}
    assert list(entries["dense/kernel"].types) == ["my_type", tfprof_logger.TRAINABLE_VARIABLES]
    assert entries["conv1/Conv2D"].float_ops > 0


def test_option_builder_builds_tfs_dicts():
    options = (
        Builder()
        .with_max_depth(3)
        .with_min_execution_time(min_micros=5)
        .with_min_memory(min_bytes=7)
        .with_min_parameters(2)
        .with_min_float_operations(4)
        .with_min_occurrence(1)
        .with_accounted_types(["MatMul"])
        .account_displayed_op_only(True)
        .select(["micros", "params"])
        .order_by("micros")
        .with_step(2)
        .with_stdout_output()
        .build()
    )
    assert options["max_depth"] == 3 and options["min_micros"] == 5 and options["min_bytes"] == 7
    assert options["account_type_regexes"] == ["MatMul"] and options["step"] == 2
    assert options["select"] == ["micros", "params"] and options["output"] == "stdout"
    assert Builder().build()["max_depth"] == 100
    assert Builder.trainable_variables_parameter()["account_type_regexes"] == [
        "_trainable_variables"
    ]
    assert Builder().with_pprof_output("p.pb.gz").build()["output"] == "pprof:outfile=p.pb.gz"
