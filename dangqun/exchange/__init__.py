"""Exchange with other systems by file (issue 6): 12345/8890 hotline import, Excel export."""
