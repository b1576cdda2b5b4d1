"""Demo databases: `build_demo` makes a populated database that always looks current.

Two scales, both a function of (seed, today) alone:

- ``demo``: a manager, three reps, ~40 accounts showing every stage and every
  flag. It is built through the real services (add_stakeholder, log_touch,
  set_slot, close_review…) with "today" moved to each past Friday, so past
  reviews carry real snapshots and audit rows and the build proves the rules
  hold. Same seed and today give the same names, values and counts (ids and
  creation times come from the services, so they differ).
- ``large``: 10 managers, 200 reps, 100,000 accounts, 500,000 stakeholders,
  2,000,000 touches and a year of weekly reviews, bulk-loaded in one
  transaction (`db.bulk`). Every row, ids included, is drawn from the seed.
  ``ACCOUNTREVIEW_LARGE_FACTOR`` scales the counts (tests use 0.002).

Where each part lives: `build` (build_demo, the scales, DemoSummary, existing_demo: what a demo
already there was built with),
`people` (people and touch days, shared by both scales), `names` (word
lists), `specs` and `small` (the demo scale, through the services), `large`
and `ids` (the large scale, bulk-loaded).
"""

from accountreview.services.demo.build import (
    DEMO_SCALE_KEY,
    LARGE_FACTOR_ENV,
    SCALES,
    DemoSummary,
    ExistingDemo,
    build_demo,
    existing_demo,
    large_factor,
)

__all__ = [
    "DEMO_SCALE_KEY",
    "LARGE_FACTOR_ENV",
    "SCALES",
    "DemoSummary",
    "ExistingDemo",
    "build_demo",
    "existing_demo",
    "large_factor",
]
