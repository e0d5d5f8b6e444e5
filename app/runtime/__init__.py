"""The running tray app, in named parts."""
