"""Short badges for an account in a list (queue rows), derived from its facts."""

from accountreview.domain.enums import ContractKind
from accountreview.services.facts import AccountFacts


def badges(facts: AccountFacts) -> list[str]:
    """The account's risk badges, loudest first, each a word or two."""
    out: list[str] = []
    if facts.stale_champion:
        out.append("stale champion")
    if facts.small_deal_at_big_company:
        out.append("small@big")
    if facts.renewal is not None and facts.renewal.shock:
        out.append("renewal shock")
    if facts.rebate_days_left is not None:
        left = facts.rebate_days_left
        out.append(f"rebate {left}d" if left >= 0 else "rebate missed")
    if facts.contract_year == 3:
        out.append("year 3")
    if facts.account.contract is ContractKind.MONTHLY:
        out.append("monthly")
    if not facts.gates.met:
        out.append("gates")
    if facts.follow_up_due is not None:
        out.append("follow-up")
    return out
