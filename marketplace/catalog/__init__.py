"""The buyers' side: catalogue, product and vendor pages, search results and the read API."""
