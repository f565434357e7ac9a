"""The MD protocol: presets, stages (relax, anneal, sample, NEMD), checkpoints, restart and the result record."""
