"""`tensorflow.python.client`'s modules under ndflow: re-exports only."""
