"""Hub schema 0006 (shared conflicts): upgrade and downgrade, each leaving the schema
exactly as the other side of the step has it."""

from test_schema import catalog

from accountreview.hub import admin
from hubdata import migrate_hub


def test_0006_upgrades_and_downgrades_to_what_0005_has(hub_db: str, hub_url: str) -> None:

    migrate_hub(hub_db, "0005")
    at_0005 = catalog(hub_db)
    assert not any("resolution" in c for c in at_0005["columns"])
    assert admin.init_hub(hub_db) == "upgraded from 0005"
    made = catalog(hub_db)
    assert made == catalog(hub_url)  # the same as a hub made in one go
    assert "hub_conflict.resolution:text:YES" in made["columns"]
    assert "hub_conflict.resolved_by:text:YES" in made["columns"]
    assert any(f.startswith("hub_resolve_conflict:") for f in made["functions"])
    migrate_hub(hub_db, "0005", down=True)
    assert catalog(hub_db) == at_0005
    assert admin.init_hub(hub_db) == "upgraded from 0005"
    assert catalog(hub_db) == made
