"""Black box: carrying out a step's actions in the business application (no Qt)."""
