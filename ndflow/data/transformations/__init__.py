"""One module per Dataset transformation: each builds TF's dataset op for it."""
