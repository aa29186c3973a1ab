"""Layer 4: TF1 SavedModels — builder, loader, signatures, tensor infos and their constants."""
