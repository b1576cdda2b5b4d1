"""Process-level tests: children that edit a database, killed or run side by side."""
