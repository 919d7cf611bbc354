"""Smart triage (issue 5): classify messages into the category tree, suggest the route, learn from the
dispatcher's confirmations, find duplicates and hotspots."""
