"""Reading and writing case documents."""
