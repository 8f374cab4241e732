"""The node editor: scene, view and items, the panels around them, and the undo commands."""
