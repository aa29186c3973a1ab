"""One module per op family; each defines `generate(tf, writer)` (see make_goldens.py)."""
