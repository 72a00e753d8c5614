"""Staff pages: the organisers' dashboard and account management for admins."""
