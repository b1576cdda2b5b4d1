"""accountreview: the weekly top-account review, five named stakeholders or it does not close."""

__version__ = "0.1.0"
