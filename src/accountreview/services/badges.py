"""Short badges for an account in a list (queue rows), derived from its facts."""

from accountreview.domain.enums import ContractKind
from accountreview.services.facts import AccountFacts


def badges(facts: AccountFacts) -> list[str]:
    """The account's risk badges, loudest first, each one short word (the queue is narrow).

    stale champ · small@big · shock (renewal) · rebate 12d / rebate missed · yr3 (contract
    year 3) · monthly · gates (commission gates not met) · follow-up (lost, due now)
    """
    out: list[str] = []
    if facts.stale_champion:
        out.append("stale champ")
    if facts.small_deal_at_big_company:
        out.append("small@big")
    if facts.renewal is not None and facts.renewal.shock:
        out.append("shock")
    if facts.rebate_days_left is not None:
        left = facts.rebate_days_left
        out.append(f"rebate {left}d" if left >= 0 else "rebate missed")
    if facts.contract_year == 3:
        out.append("yr3")
    if facts.account.contract is ContractKind.MONTHLY:
        out.append("monthly")
    if not facts.gates.met:
        out.append("gates")
    if facts.follow_up_due is not None:
        out.append("follow-up")
    return out
