"""The wizard format: YAML with positions, the model, the loader, its results and cache."""
