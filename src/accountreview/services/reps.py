"""Reps: who is using the app, remembered in the database."""

from accountreview.db import reps as rep_queries
from accountreview.db.reps import RepRow
from accountreview.domain.enums import RepRole
from accountreview.services.errors import InvalidInput
from accountreview.services.fields import email_field, text_field
from accountreview.services.workspace import Workspace

CURRENT_REP_KEY = "current_rep_id"


def list_reps(ws: Workspace) -> list[RepRow]:
    """Every rep and manager, by name."""
    return rep_queries.list_reps(ws.db.conn)


def current_rep(ws: Workspace, override: str | None = None) -> RepRow | None:
    """The acting rep: `override` (a name, email or id) if given, else the remembered one,
    else the only rep when there is just one. Sets `ws.actor_id`."""
    rep: RepRow | None = None
    if override:
        from accountreview.services.lookup import resolve_rep  # only when asked: start-up cost

        rep = resolve_rep(ws, override)
    else:
        remembered = rep_queries.get_meta(ws.db.conn, CURRENT_REP_KEY)
        if remembered:
            rep = rep_queries.get_rep(ws.db.conn, remembered)
        if rep is None:
            reps = rep_queries.list_reps(ws.db.conn)
            rep = reps[0] if len(reps) == 1 else None
    ws.actor_id = None if rep is None else rep.id
    return rep


def remember_rep(ws: Workspace, rep: RepRow) -> None:
    """Remember `rep` as the one using the app on this database."""
    with ws.db.write() as conn:
        rep_queries.set_meta(conn, CURRENT_REP_KEY, rep.id)
    ws.actor_id = rep.id


def switch_to(ws: Workspace, rep: RepRow) -> bool:
    """Show `rep`'s queue (`w` in the app). A manager picking one of their reports keeps
    acting as themselves and only reads (True); anyone else signs in as `rep`, who is
    remembered (False)."""
    from accountreview.domain.access import Access, may_access
    from accountreview.services.lookup import acting_rep

    viewer = acting_rep(ws)
    if viewer is not None and viewer.id != rep.id and may_access(viewer, rep, Access.READ):
        return True
    remember_rep(ws, rep)
    return False


def readable_reps(ws: Workspace) -> list[RepRow]:
    """The reps whose queue the acting rep may read (themselves, a manager's reports too),
    by name; every rep when no one is signed in."""
    from accountreview.services.lookup import visible_rep_ids

    ids = visible_rep_ids(ws)
    return [r for r in list_reps(ws) if ids is None or r.id in ids]


def require_rep(ws: Workspace, override: str | None) -> RepRow:
    """Like `current_rep`, but a clear error when no rep can be chosen."""
    rep = current_rep(ws, override)
    if rep is None:
        names = ", ".join(r.name for r in rep_queries.list_reps(ws.db.conn)) or "none yet"
        raise InvalidInput(f"--rep: say which rep you are (reps: {names})")
    return rep


def add_rep(
    ws: Workspace,
    *,
    name: str,
    email: str,
    role: RepRole,
    manager: str | None = None,
    remember: bool = False,
) -> RepRow:
    """Add a rep or manager; the email must be new. With `remember`, they are also
    remembered as the one using the app, in the same transaction."""
    clean_name = text_field(name, "name", required=True) or ""
    clean_email = email_field(email, required=True) or ""
    from accountreview.services.lookup import resolve_rep

    manager_id = resolve_rep(ws, manager).id if manager else None
    with ws.db.write() as conn:
        if rep_queries.find_reps(conn, clean_email):
            raise InvalidInput(f"email: a rep with {clean_email} already exists")
        rep_id = rep_queries.insert_rep(
            conn, name=clean_name, email=clean_email, role=role, manager_id=manager_id
        )
        rep = rep_queries.get_rep(conn, rep_id)
        assert rep is not None
        if remember:
            remember_rep(ws, rep)
    return rep


def remember_first_rep(ws: Workspace) -> RepRow | None:
    """Remember the first rep (not manager) by name; used to open a fresh demo."""
    reps = [r for r in rep_queries.list_reps(ws.db.conn) if r.role is RepRole.REP]
    if not reps:
        return None
    remember_rep(ws, reps[0])
    return reps[0]
