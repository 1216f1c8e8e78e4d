"""What wires the stages together and keeps them alive: the engine, the daemon, capture, the control
socket, the tray and the real desktop edges. Nothing below this package imports it."""
