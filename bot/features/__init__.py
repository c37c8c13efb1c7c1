"""Features: one module per part of the conversation."""
