"""Open311 GeoReport v2 server at /open311/v2/ with mySociety's servicerequestupdates (issue 6)."""
