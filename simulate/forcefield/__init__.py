"""Force fields: GAFF2-family atom typing and parameters, as data files read by small, general code."""
