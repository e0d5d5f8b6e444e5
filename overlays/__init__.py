"""Every on-screen Qt surface: the panel and its views, the highlight, the tray, settings, About.
Views reach the desktop only through app.ports and signals; they import no adapter (app.platform)."""
