"""The TF1 profiler: Chrome-trace timelines of traced runs (`timeline`), tfprof's model
analysis (`model_analyzer`, `option_builder`, `tfprof_logger`, `flops`) and TF2's
`tf.profiler.experimental.start`/`stop` (`experimental`)."""
