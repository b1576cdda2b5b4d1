"""Files in and out: CSV readers and writers, format detection. No database access here."""
