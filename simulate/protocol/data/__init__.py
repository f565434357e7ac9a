"""Preset files (TOML) of the MD protocol."""
