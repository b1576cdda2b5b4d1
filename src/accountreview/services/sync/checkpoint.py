"""Named moments of a sync where a crash test may stop it.

`ACCOUNTREVIEW_SYNC_PAUSE=NAME` makes a sync print `sync paused at NAME` on stderr and
wait there (at most `PAUSE_SECONDS`), so a test can `kill -9` it at exactly that moment
and prove the re-run completes with nothing lost and nothing twice. Without the
variable a checkpoint costs one dictionary lookup.

The moments: `push-committed` (the hub committed a batch; this file has not yet
forgotten it), `pull-fetched` (a batch was read from the hub; not yet applied here),
`pull-applied` (a batch and its cursor were committed here; more may follow),
`first-pull-copied` (a chunk of a first pull's side file was copied in; more follow),
`first-pull-loaded` / `first-pull-renamed` (a first pull into a file the sync made: the
whole copy loaded and checked, not yet renamed over the file / renamed).
"""

import os
import sys
import time

PAUSE_ENV = "ACCOUNTREVIEW_SYNC_PAUSE"
PAUSE_SECONDS = 30.0
POINTS = (
    "push-committed", "pull-fetched", "pull-applied", "first-pull-copied", "first-pull-loaded",
    "first-pull-renamed",
)  # fmt: skip


def checkpoint(name: str) -> None:
    """Pause here if a test asked for this moment (see the module docstring)."""
    if os.environ.get(PAUSE_ENV) != name:
        return
    sys.stderr.write(f"sync paused at {name}\n")
    sys.stderr.flush()
    time.sleep(PAUSE_SECONDS)
