"""The booth till: the append-only sales ledger, the sales screen, its offline API and figures."""
