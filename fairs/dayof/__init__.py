"""Fair day: check-in, no-shows, printable sheets, and which fair and booth a sale belongs to."""
