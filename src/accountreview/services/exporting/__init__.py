"""Exporting what the app holds: CSV for spreadsheets and re-import, JSON for programs,
a Salesforce Task file for Data Loader, and an iCalendar file of planned contacts.

`export_data(ws, request, stream)` writes one export to an open text stream;
`export_to_file(ws, request, path)` writes it to a new file readable by its owner
only (0600), replacing `path` only once the export is complete.

Where each part lives: `request` (what can be asked, checked), `records`
(accounts, stakeholders, touches and reviews as CSV and JSON), `crm_tasks`
(touches as Salesforce Tasks), `calendar` (next contacts), `follow_ups` (lost
small deals at big companies), `files` (private files).
"""

from accountreview.services.exporting.files import export_data, export_to_file
from accountreview.services.exporting.request import (
    EXPORT_KINDS,
    ExportReport,
    ExportRequest,
    check_request,
)

__all__ = [
    "EXPORT_KINDS",
    "ExportReport",
    "ExportRequest",
    "check_request",
    "export_data",
    "export_to_file",
]
