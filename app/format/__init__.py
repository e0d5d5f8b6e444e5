"""The wizard format: YAML with positions, the model, the loader, its results and cache, the cards
that lists show, the rule for which window a wizard is for, and locators of the controls in it."""
