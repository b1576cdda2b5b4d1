"""The one error the rules raise for a value a user typed or a file held."""

_MAX_SHOWN = 60


class InvalidValue(ValueError):
    """A value is not acceptable; says what it was for and what was expected."""

    problem = "is not valid"  # what is wrong with the value, as the message says it

    def __init__(self, what: str, value: str, expected: str) -> None:
        # Passing every argument keeps the exception picklable and copyable.
        super().__init__(what, value, expected)
        self.what = what
        self.value = value
        self.expected = expected

    def __str__(self) -> str:
        shown = self.value
        if len(shown) > _MAX_SHOWN:
            shown = shown[:_MAX_SHOWN] + "…"
        return f"{self.what}: {shown!r} {self.problem}; expected {self.expected}"
