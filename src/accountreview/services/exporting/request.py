"""What an export can be asked for, checked before anything is read or written."""

from dataclasses import dataclass, field

from accountreview.domain.dates import IsoWeek
from accountreview.services.errors import InvalidInput
from accountreview.text import plural

EXPORT_KINDS = ("accounts", "stakeholders", "touches", "reviews", "next-contacts", "follow-ups")
FORMATS = {
    "accounts": ("csv", "json"),
    "stakeholders": ("csv", "json"),
    "touches": ("csv", "json"),
    "reviews": ("csv", "json"),
    "next-contacts": ("ics", "csv", "json"),
    "follow-ups": ("csv", "json"),
}
WEEKLY = ("touches", "reviews", "next-contacts")
SHAPES = {"touches": ("salesforce-tasks",)}


@dataclass(frozen=True)
class ExportRequest:
    """One export: what, in which format, for which week and rep (all optional but `kind`)."""

    kind: str
    format: str | None = None  # None: the kind's first format (ics for next-contacts, else csv)
    week: IsoWeek | None = None
    rep: str | None = None  # a rep's name, email or id: only their accounts
    shape: str | None = None  # "salesforce-tasks" for touches

    @property
    def chosen_format(self) -> str:
        return self.format or FORMATS.get(self.kind, ("csv",))[0]


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote: how many records, and what it left out and why."""

    kind: str
    format: str
    rows: int
    path: str | None = None
    skipped: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """E.g. "Wrote 12 touches to tasks.csv; 3 left out (already in Salesforce)"."""
        where = f" to {self.path}" if self.path else ""
        one = "touch" if self.kind == "touches" else self.kind.removesuffix("s")
        text = f"Wrote {plural(self.rows, one, self.kind)} ({self.format}){where}"
        if self.skipped:
            reasons = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
            text += f"; {sum(self.skipped.values())} left out ({reasons})"
        return text


def check_request(request: ExportRequest) -> None:
    """`InvalidInput` naming the option when the request asks for what cannot be."""
    if request.kind not in EXPORT_KINDS:
        raise InvalidInput(
            f"export: {request.kind!r} is not something to export; expected one of"
            f" {', '.join(EXPORT_KINDS)}"
        )
    formats = FORMATS[request.kind]
    if request.chosen_format not in formats:
        raise InvalidInput(
            f"--format: {request.format!r} is not valid for {request.kind}; expected"
            f" {' or '.join(formats)}"
        )
    if request.week is not None and request.kind not in WEEKLY:
        raise InvalidInput(f"--week: applies to {', '.join(WEEKLY)}, not to {request.kind}")
    if request.shape is not None:
        if request.shape not in SHAPES.get(request.kind, ()):
            raise InvalidInput(
                f"--as: {request.shape!r} is not valid for {request.kind}; expected"
                " salesforce-tasks (with touches)"
            )
        if request.chosen_format != "csv":
            raise InvalidInput("--as salesforce-tasks: the file is CSV (leave out --format)")
