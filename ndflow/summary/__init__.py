"""TensorBoard output: event-file writers (FileWriter), their cache, summary_iterator and the
embedding projector's config."""
