"""Text from the database shown inside Textual markup."""


def escape(text: str) -> str:
    """Escape every `[`, so a name like "Acme [EU]" or "[b]" shows as typed."""
    return text.replace("[", r"\[")
