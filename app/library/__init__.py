"""The wizard library: layered folders (bundled, system, shared, the person's; each file checked once
and cached as a card), search, and relevance to the window in front."""
