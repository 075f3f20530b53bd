"""Exchange formats with translators and CAT tools: Units to files and back."""
