"""Photos: validating uploads, making display variants, background processing and clean-up."""
