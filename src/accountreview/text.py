"""How amounts read on screen and in tables (CLI and TUI alike)."""

from collections.abc import Sequence


def money(value: int | None) -> str:
    """A compact amount: 8,000 / 250k / 1.96M."""
    if value is None:
        return "—"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    if value >= 100_000:
        return f"{value / 1000:.0f}k"
    return f"{value:,}"


def pct(value: float | None) -> str:
    """A percentage with one decimal, or a dash."""
    return "—" if value is None else f"{value:.1f}%"


_BARS = "▁▂▃▄▅▆▇█"


def sparkline(percentages: Sequence[float | None]) -> str:
    """One block per value on a fixed 0–100 scale (so reps compare at a glance); · for none."""
    return "".join(
        "·" if v is None else _BARS[round(max(0.0, min(100.0, v)) / 100 * (len(_BARS) - 1))]
        for v in percentages
    )


def closed_late(count: int) -> str:
    """`` · 1 closed late`` after the closed count of a past week, if any was; else ""."""
    return f" · {count} closed late" if count else ""


def plural(count: int, noun: str, many: str | None = None) -> str:
    """A count with its noun agreeing: "1 touch", "2 touches", "1,000 accounts"."""
    if count == 1:
        return f"1 {noun}"
    if many is None:
        many = noun + ("es" if noun.endswith(("s", "sh", "ch", "x", "z")) else "s")
    return f"{count:,} {many}"
