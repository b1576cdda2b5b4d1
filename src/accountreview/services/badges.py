"""Short badges for an account in a list (queue rows), derived from its facts."""

from accountreview.services.facts import AccountFacts


def badges(facts: AccountFacts) -> list[str]:
    """The account's risk badges, loudest first, each one short word (the queue is narrow).

    champion left · stale champ · small@big · shock (renewal) · rebate 12d / rebate missed ·
    yr3 (contract year 3) · monthly · gates (commission gates not met) · follow-up (lost,
    due now). They follow the order of the account's flags (`facts.Risk`), one list.
    """
    return [r.badge for r in facts.risks if r.badge is not None]


def loud_badge(facts: AccountFacts) -> str | None:
    """The first badge when it is the loudest risk (a champion who left), to be drawn in
    the risk colour; None when the account has no such risk."""
    first = next((r for r in facts.risks if r.badge is not None), None)
    return first.badge if first is not None and first.loud else None
