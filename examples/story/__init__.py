"""The seed documents' story, stage by stage, for examples/demo.py."""
