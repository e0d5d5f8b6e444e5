"""The running tray app, in named parts, each with one job:

- `main`: the process (logging, Qt application, signals, the ready marker), PySide6 imported first through
  `import_hook`, so that its import hook keeps no module's source;
- `tray_app.TrayApp`: the composition root that makes the parts and wires them, starting up in
  `startup` stages that fail alone;
- `runs.RunController`: starts runs, feeds the engine, carries out its effects, answers `wayguide run`;
- `performing.Performing`: black-box steps on a worker thread, and the person taking over;
- `step_observer.StepObserver`: what a glass-box step waits for (windows, keys, clipboard, files, time);
- `panel_host.PanelHost`: the panel, summoned and placed beside the window in front;
- `library_watcher.LibraryWatcher`: the wizard library, reloaded when its files change;
- `preferences.Preferences`: the admin policy, the person's settings, start at login;
- `hotkey.GlobalHotkey`: the global hotkey's listener;
- `usage_data`: where usage data is kept, and the Insights report.

OS access comes in through the ports (app/ports.py), passed to TrayApp; tests pass fakes."""
