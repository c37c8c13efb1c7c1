"""Jalur's core: engine, features, storage, settings and command line. Imports no chat SDK."""
