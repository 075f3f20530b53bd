"""transflow: translation and localisation workflow for a multilingual newsroom."""

__version__ = "0.1.0"
