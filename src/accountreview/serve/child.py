"""A browser session's app process: `python -m accountreview.serve.child DB TODAY [REP]`.

Started by the server from an argv list, with Textual's web driver set in the
environment by textual-serve; the arguments were checked by `serve` before it started."""

import sys
from datetime import date


def main(argv: list[str]) -> int:
    """Run the app on the database `argv[0]`, as of `argv[1]`, as `argv[2]` if given."""
    from accountreview.services.errors import UserError
    from accountreview.services.workspace import open_workspace, user_error
    from accountreview.tui import AccountReviewApp

    db, today = argv[0], date.fromisoformat(argv[1])
    rep = argv[2] if len(argv) > 2 else None
    try:
        ws = open_workspace(db, today, create=True)
        AccountReviewApp(ws, rep=rep, signed_in=rep is not None).run()
    except UserError as error:  # the database went away or broke after `serve` checked it
        print(f"accountreview: {error}", file=sys.stderr)
        return error.exit_code
    except Exception as error:
        known = user_error(error)
        print(f"accountreview: {known or f'unexpected error: {error!r}'}", file=sys.stderr)
        return known.exit_code if known else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
