"""The data model of candidates: polymer repeat units and everything built on them."""
