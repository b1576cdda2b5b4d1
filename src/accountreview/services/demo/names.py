"""Word lists for the demo data: people, companies, titles, notes.

Plain data, no logic beyond picking unique company names by number. The
company lists multiply to over 100,000 distinct names, enough for the large
demo without numbering any of them.
"""

import math
import random
from collections.abc import Callable

from accountreview.domain.enums import Level, Role

FIRST_NAMES = (
    "Aisha", "Alex", "Amara", "Ana", "Andre", "Ben", "Bianca", "Carla", "Chen", "Chloe",
    "Daniel", "Dara", "Diego", "Elena", "Emeka", "Erik", "Fatima", "Felix", "Grace", "Hana",
    "Hugo", "Ines", "Ivan", "Jamal", "Jana", "Jonas", "Julia", "Kai", "Kenji", "Lara",
    "Leo", "Lina", "Luca", "Maya", "Mei", "Mila", "Nadia", "Nico", "Nina", "Noah",
    "Olga", "Omar", "Paula", "Priya", "Rafael", "Rosa", "Sam", "Sara", "Sofia", "Tariq",
    "Theo", "Uma", "Vera", "Victor", "Wei", "Yara", "Yusuf", "Zoe", "Marco", "Ingrid",
)  # fmt: skip

LAST_NAMES = (
    "Adams", "Alvarez", "Baker", "Bauer", "Bianchi", "Brooks", "Carter", "Chen", "Costa",
    "Diaz", "Dubois", "Ekwueme", "Evans", "Fischer", "Garcia", "Gupta", "Hansen", "Haddad",
    "Ito", "Jensen", "Kim", "Kowalski", "Larsen", "Lee", "Lopez", "Martin", "Meyer",
    "Moreau", "Moss", "Murphy", "Nakamura", "Novak", "Nunez", "Okafor", "Olsen", "Park",
    "Patel", "Petrov", "Quinn", "Reyes", "Rossi", "Sato", "Schmidt", "Silva", "Singh",
    "Sousa", "Tanaka", "Torres", "Varga", "Walsh", "Weber", "Wong", "Yilmaz", "Zhang",
    "Ortiz", "Lindqvist", "Mensah", "Horvat", "Castillo", "Duarte",
)  # fmt: skip

COMPANY_WORDS = (
    "Acme", "Apex", "Arbor", "Atlas", "Aurora", "Beacon", "Birch", "Blue Peak", "Boreal",
    "Bright", "Cascade", "Cedar", "Summit", "Cobalt", "Copper", "Crest", "Delta", "Ember",
    "Everest", "Falcon", "Fjord", "Granite", "Harbor", "Helix", "Horizon", "Iris", "Juniper",
    "Keystone", "Lakeside", "Linden", "Lumen", "Maple", "Meridian", "Mesa", "Monarch",
    "Nimbus", "Northwind", "Oak Hill", "Onyx", "Orchid", "Pacific", "Pinnacle", "Polaris",
    "Prairie", "Quarry", "Quartz", "Redwood", "Ridge", "River", "Sable", "Saffron", "Sequoia",
    "Sierra", "Silver", "Solstice", "Spruce", "Starling", "Stone", "Sterling", "Tidal",
    "Timber", "Topaz", "Trident", "Tundra", "Union", "Valley", "Vanguard", "Vector", "Verde",
    "Vista", "Westbrook", "Willow", "Zenith", "Zephyr", "Alder", "Basalt", "Canyon", "Dune",
    "Evergreen", "Glacier",
)  # fmt: skip

COMPANY_TRADES = (
    "Logistics", "Health", "Foods", "Energy", "Insurance", "Bank", "Retail", "Pharma",
    "Telecom", "Airlines", "Motors", "Mining", "Media", "Hotels", "Chemicals", "Steel",
    "Textiles", "Shipping", "Utilities", "Biotech", "Software", "Robotics", "Aerospace",
    "Construction", "Agriculture", "Beverages", "Cosmetics", "Education", "Freight",
    "Furniture", "Gaming", "Hospitals", "Labs", "Marine", "Packaging", "Paper", "Rail",
    "Semiconductors", "Solar", "Water",
)  # fmt: skip

COMPANY_FORMS = (
    "Group", "Holdings", "Inc", "Ltd", "Partners", "Corp", "International", "Systems",
    "Industries", "Company", "AG", "SA", "GmbH", "PLC", "Co", "Worldwide", "Global",
    "Enterprises", "Services", "Solutions", "Network", "Alliance", "Brands", "Works",
    "Federation", "Collective", "Trust", "Ventures", "Associates", "Cooperative",
    "Consolidated", "United", "Direct", "Labs", "Union", "Capital",
)  # fmt: skip

COMPANY_NAME_COUNT = len(COMPANY_WORDS) * len(COMPANY_TRADES) * len(COMPANY_FORMS)


def company_name(number: int) -> str:
    """The company name with this number (0 to COMPANY_NAME_COUNT - 1); distinct numbers
    give distinct names."""
    word, rest = divmod(number % COMPANY_NAME_COUNT, len(COMPANY_TRADES) * len(COMPANY_FORMS))
    trade, form = divmod(rest, len(COMPANY_FORMS))
    return f"{COMPANY_WORDS[word]} {COMPANY_TRADES[trade]} {COMPANY_FORMS[form]}"


def company_namer(rng: random.Random) -> Callable[[int], str]:
    """Company names by account number in an order drawn from `rng`: distinct numbers
    (below COMPANY_NAME_COUNT) give distinct names."""
    # An affine map of the numbers is a permutation: distinct accounts, distinct names.
    while True:
        step = 1 + int(rng.random() * (COMPANY_NAME_COUNT - 1))
        if math.gcd(step, COMPANY_NAME_COUNT) == 1:
            break
    offset = int(rng.random() * COMPANY_NAME_COUNT)
    return lambda number: company_name(offset + number * step)


def company_domain(name: str) -> str:
    """A made-up email domain for a company name (`.example` never resolves)."""
    return name.replace(" ", "").lower() + ".example"


# Who plays each role, as (level, title) choices.
PEOPLE_BY_ROLE: dict[Role, tuple[tuple[Level, str], ...]] = {
    Role.CHAMPION: (
        (Level.DIRECTOR, "Director of Operations"),
        (Level.MANAGER, "Head of Customer Operations"),
        (Level.DIRECTOR, "Director of Digital"),
        (Level.VP, "VP Operations"),
    ),
    Role.ECONOMIC_BUYER: (
        (Level.EXECUTIVE, "Chief Financial Officer"),
        (Level.VP, "VP Finance"),
        (Level.EXECUTIVE, "Chief Operating Officer"),
    ),
    Role.EXECUTIVE_SPONSOR: (
        (Level.EXECUTIVE, "Chief Digital Officer"),
        (Level.EXECUTIVE, "Chief Executive Officer"),
        (Level.VP, "SVP Transformation"),
    ),
    Role.CIO_OFFICE: (
        (Level.EXECUTIVE, "Chief Information Officer"),
        (Level.VP, "VP Information Technology"),
        (Level.DIRECTOR, "IT Director"),
        (Level.MANAGER, "Enterprise Architect"),
    ),
    Role.PROCUREMENT: (
        (Level.DIRECTOR, "Head of Procurement"),
        (Level.MANAGER, "Procurement Manager"),
        (Level.MANAGER, "Category Manager, Software"),
    ),
    Role.FINANCE: ((Level.DIRECTOR, "Finance Director"), (Level.MANAGER, "Controller")),
    Role.SECURITY: (
        (Level.EXECUTIVE, "Chief Information Security Officer"),
        (Level.MANAGER, "Security Architect"),
    ),
    Role.LEGAL: ((Level.VP, "General Counsel"), (Level.MANAGER, "Legal Counsel")),
    Role.USER: (
        (Level.INDIVIDUAL, "Operations Analyst"),
        (Level.MANAGER, "Team Lead"),
        (Level.INDIVIDUAL, "Planner"),
    ),
    Role.OTHER: ((Level.MANAGER, "Program Manager"), (Level.DIRECTOR, "Chief of Staff")),
}

TOUCH_NOTES = (
    "Quarterly business review",
    "Renewal pricing",
    "Roadmap walk-through",
    "Usage review",
    "Intro to the CIO office",
    "Security questionnaire",
    "Procurement terms",
    "Expansion to a second site",
    "Escalated a support ticket",
    "Lunch at their office",
    "Met at the user conference",
    "Budget for next year",
    "Pilot results",
    "Reference call",
    "Onboarding check-in",
)

REP_DOMAIN = "demo.example"
