"""Putting approved vendors in booths: by hand (assign, move, swap) or automatically (preview, save)."""
