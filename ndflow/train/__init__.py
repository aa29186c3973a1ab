"""`tf.train`'s libraries: optimizers, slot variables, learning-rate schedules, global step."""
