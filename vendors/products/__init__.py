"""Products: the entrepreneur's catalogue entries, their photos, and organisers' moderation."""
