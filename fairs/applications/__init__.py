"""Applications to fairs: entrepreneurs apply, edit and withdraw; organisers review and decide."""
