"""OS actions: hotkeys, launching and closing applications, and their config."""
