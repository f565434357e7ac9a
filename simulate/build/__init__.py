"""Building geometry: 3D repeat units and capped oligomers, chains, amorphous cells."""
