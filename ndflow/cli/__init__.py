"""Layer 5: command-line tools (`ndflow saved_model_cli ...`)."""
