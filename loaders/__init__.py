"""Bulk loaders editors run from the command line: ``import_content`` (JSON Lines)."""
