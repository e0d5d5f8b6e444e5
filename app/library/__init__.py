"""The wizard library: layered folders, cards, search and relevance."""
