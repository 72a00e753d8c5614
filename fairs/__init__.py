"""Fairs: booth layouts, applications, booth assignment, check-in and fair reports."""
