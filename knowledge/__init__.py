"""Jalur's content: YAML files only (roadmap, tracks, messages); this file only makes the folder a package."""
