"""Layer 3: Session, plan compiler and executor, resources."""
