"""Sub-command groups of the ``polyloop`` CLI, one module per capability."""
