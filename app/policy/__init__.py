"""What is decided: the administrator's policy and the person's own settings."""
