"""Oversight Graph: a linked-data knowledge graph of police inspectorate oversight."""

__version__ = "0.1.0"
