"""What the small demo shows: one spec per account, together every stage and every flag.

A spec says an account's values, its people (`people.Team`) and, for a top
account, what its review did in each of the past weeks and does this week.
`small` builds the accounts from these specs through the services.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from accountreview.db.accounts import ACCOUNT_COLUMNS
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Role
from accountreview.services.demo.people import Team


@dataclass(frozen=True)
class Open:
    """An open review: `filled` slots named, plus one not yet ready to close if `unready`."""

    filled: int
    unready: bool = False


CLOSED = "closed"
NOT_STARTED = "not started"
REOPENED = "closed, reopened and closed again"
Action = str | Open


@dataclass(frozen=True)
class Spec:
    """One demo account. Date values are days before today; `past` maps weeks ago to
    the review of that week (closed unless it says otherwise)."""

    values: dict[str, object]
    top: bool = False
    people: tuple[str, ...] = ()  # kinds of people beside those kept in touch
    core: tuple[Role, ...] = ()  # top accounts: the people kept in touch all year
    stale: Role | None = None  # this core person went quiet (a next contact is planned)
    champion_left: int | None = None  # days ago the champion left
    remote: bool = False  # no touch in person
    current: Action = NOT_STARTED
    past: dict[int, Action] = field(default_factory=dict)

    @property
    def team(self) -> Team:
        """The account's people, as `people.People.team` makes them."""
        return Team(self.core, self.people, self.stale, self.champion_left)

    def stored_values(self, today: date) -> dict[str, object]:
        """The account's values with the day counts turned into dates."""
        return {
            key: (today - timedelta(days=value)).isoformat()
            if key in _DATE_COLUMNS and isinstance(value, int)
            else value
            for key, value in self.values.items()
        }


_CORE = (Role.CHAMPION, Role.EXECUTIVE_SPONSOR, Role.CIO_OFFICE, Role.PROCUREMENT, Role.FINANCE)
_DATE_COLUMNS = frozenset(c for c in ACCOUNT_COLUMNS if c.endswith("_on") or c == "contract_start")


def _top(
    values: dict[str, object],
    current: Action,
    *,
    people: tuple[str, ...] = (),
    core: tuple[Role, ...] = _CORE,
    stale: Role | None = None,
    champion_left: int | None = None,
    remote: bool = False,
    past: dict[int, Action] | None = None,
) -> Spec:
    return Spec(
        values,
        top=True,
        people=people,
        core=core,
        stale=stale,
        champion_left=champion_left,
        remote=remote,
        current=current,
        past=past or {},
    )


def demo_specs(today: date) -> list[tuple[int, Spec]]:
    """The demo accounts per rep index: together they show every stage and flag."""
    return _top_specs(today) + _smaller_specs(today)


def _top_specs(today: date) -> list[tuple[int, Spec]]:
    """Five top accounts per rep, each showing a few of the flags."""
    monday = IsoWeek.of(today).monday
    annual = {"contract": "annual"}
    return [
        # rep 0: small deal at a big company with a renewal shock; rebate; rebate window; year 3
        (0, _top({"potential": 6_000_000, "current": 8_000, "list_price": 10_000,
                  "discount_pct": 20.0, "uplift_pct": 5.0, "signed_on": 330, "live_on": 300,
                  "paid_on": 290, **annual, "contract_start": 300,
                  "penetration_target_pct": 5.0}, CLOSED, people=("never", "stale"))),
        (0, _top({"potential": 400_000, "current": 50_000, "list_price": 50_000,
                  "rebate_pct": 10.0, "uplift_pct": 5.0, "signed_on": 420, "live_on": 380,
                  "paid_on": 370, **annual, "contract_start": 380,
                  "penetration_target_pct": 10.0, "cio_signoff_on": 360,
                  "procurement_signoff_on": 365}, CLOSED, people=("aging",))),
        (0, _top({"potential": 900_000, "current": 30_000, "list_price": 30_000,
                  "rebate_pct": 8.0, "uplift_pct": 3.0, "signed_on": 20},
                 Open(4, unready=True), people=("never", "aging", "stale"))),
        (0, _top({"potential": 1_500_000, "current": 600_000, "list_price": 600_000,
                  "discount_pct": 5.0, "uplift_pct": 4.0, "signed_on": 800, "live_on": 770,
                  "paid_on": 760, **annual, "contract_start": 770,
                  "penetration_target_pct": 25.0, "cio_signoff_on": 700,
                  "procurement_signoff_on": 720}, Open(2), stale=Role.PROCUREMENT,
                 people=("no role", "aging", "never", "stale"))),
        (0, _top({"potential": 2_000_000}, NOT_STARTED, people=("never",), past={1: Open(3)})),
        # rep 1: rebate missed; live not paid; monthly with a champion who left; gates met
        (1, _top({"potential": 750_000, "current": 45_000, "list_price": 45_000,
                  "rebate_pct": 10.0, "uplift_pct": 5.0, "signed_on": 75}, CLOSED,
                 people=("stale",), past={2: REOPENED})),
        (1, _top({"potential": 300_000, "current": 60_000, "list_price": 60_000,
                  "discount_pct": 5.0, "uplift_pct": 5.0, "signed_on": 100, "live_on": 55,
                  **annual, "contract_start": 55}, Open(3), people=("aging", "never"))),
        (1, _top({"potential": 120_000, "current": 18_000, "list_price": 18_000,
                  "uplift_pct": 5.0, "signed_on": 230, "live_on": 210, "paid_on": 205,
                  "contract": "monthly", "contract_start": 210}, NOT_STARTED,
                 # the champion left on Wednesday two weeks ago
                 core=(*_CORE, Role.USER), champion_left=(today - monday).days + 12,
                 people=("stale",))),
        (1, _top({"potential": 500_000, "current": 150_000, "list_price": 150_000,
                  "uplift_pct": 4.0, "signed_on": 500, "live_on": 470, "paid_on": 460,
                  **annual, "contract_start": 470, "penetration_target_pct": 20.0,
                  "cio_signoff_on": 450, "procurement_signoff_on": 455},
                 Open(4, unready=True), people=("never", "no role"))),
        (1, _top({"potential": 3_500_000}, NOT_STARTED, remote=True, people=("aging",),
                 core=(Role.CHAMPION, Role.USER, Role.USER, Role.FINANCE, Role.OTHER),
                 past={5: NOT_STARTED})),
        # rep 2: gates not met and a stale champion; not reviewed for two weeks; year 3 monthly
        (2, _top({"potential": 4_000_000, "current": 25_000, "list_price": 25_000,
                  "discount_pct": 15.0, "uplift_pct": 7.0, "signed_on": 200, "live_on": 170,
                  "paid_on": 160, **annual, "contract_start": 170,
                  "penetration_target_pct": 10.0, "cio_signoff_on": 150}, CLOSED,
                 stale=Role.CHAMPION, people=("never", "stale", "aging"))),
        (2, _top({"potential": 800_000}, NOT_STARTED, people=("aging",),
                 past={1: NOT_STARTED, 2: NOT_STARTED})),
        (2, _top({"potential": 250_000, "current": 90_000, "list_price": 90_000,
                  "rebate_pct": 5.0, "uplift_pct": 4.0, "signed_on": 450, "live_on": 420,
                  "paid_on": 410, **annual, "contract_start": 420}, Open(1),
                 core=(Role.CHAMPION, Role.ECONOMIC_BUYER, Role.CIO_OFFICE, Role.USER,
                       Role.FINANCE))),
        (2, _top({"potential": 350_000, "current": 40_000, "list_price": 40_000,
                  "discount_pct": 5.0, "uplift_pct": 3.0, "signed_on": 8}, NOT_STARTED,
                 people=("never", "stale"))),
        (2, _top({"potential": 600_000, "current": 120_000, "list_price": 120_000,
                  "uplift_pct": 6.0, "signed_on": 780, "live_on": 765, "paid_on": 760,
                  "contract": "monthly", "contract_start": 765}, Open(4, unready=True),
                 people=("aging",))),
    ]  # fmt: skip


def _smaller_specs(today: date) -> list[tuple[int, Spec]]:
    """Eight accounts per rep that are not top: lost, churned, prospects, signed."""
    monday = IsoWeek.of(today).monday

    def lost_for(follow_up: int, weekday: int) -> int:
        """Days ago a deal was lost so that its follow-up falls on `weekday` of this week."""
        return (today - (monday + timedelta(days=weekday - follow_up))).days

    annual = {"contract": "annual"}
    specs: list[tuple[int, Spec]] = []
    follow_ups = ((90, 1), (180, 2), (365, 3))
    for rep in range(3):
        k = 1 + rep / 2  # the reps' smaller accounts differ in size
        specs += [
            (rep, Spec({"potential": int(2_500_000 * k), "lost_on": lost_for(*follow_ups[rep])},
                       people=("stale", "stale", "aging"))),
            (rep, Spec({"potential": int(400_000 * k), "lost_on": 30}, people=("aging",))),
            (rep, Spec({"potential": int(200_000 * k), "current": int(40_000 * k),
                        "list_price": int(40_000 * k), "signed_on": 700, "live_on": 680,
                        "paid_on": 670, **annual, "contract_start": 680, "churned_on": 60},
                       people=("stale",))),
            (rep, Spec({"potential": int(150_000 * k)})),
            (rep, Spec({"potential": int(1_000_000 * k)}, people=("recent", "never"))),
            (rep, Spec({"potential": int(80_000 * k), "current": int(20_000 * k),
                        "list_price": int(20_000 * k), "uplift_pct": 3.0, "signed_on": 300,
                        "live_on": 280, "paid_on": 270, **annual, "contract_start": 280},
                       people=("recent",))),
            (rep, Spec({"potential": int(60_000 * k), "current": int(60_000 * k),
                        "list_price": int(60_000 * k), "signed_on": 900, "live_on": 870,
                        "paid_on": 860, **annual, "contract_start": 870},
                       people=("aging", "recent"))),
            (rep, Spec({"potential": int(90_000 * k), "current": int(12_000 * k),
                        "list_price": int(12_000 * k), "rebate_pct": 10.0,
                        "signed_on": 35 + 10 * rep}, people=("recent",))),
        ]  # fmt: skip
    return specs
