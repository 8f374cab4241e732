"""Training in the window: the worker thread around the engine's Trainer, its mailbox, the controller and panel."""
