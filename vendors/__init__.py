"""Entrepreneurs: profiles, products, the image pipeline and the sales ledger."""
