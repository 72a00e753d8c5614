"""Booth layouts: the grid of booths per fair, each booth's details, and the booth map."""
