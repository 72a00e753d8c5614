"""Reports: a fair's sales, an entrepreneur's own, and the ministry's impact report across fairs."""
