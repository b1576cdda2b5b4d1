"""Reading CRM exports: Salesforce (Data Loader and report exports) and HubSpot.

- `fields`: what every CRM file shares: headers matched by aliases, lenient
  cells (dates in the forms CRMs write, money, names, free text), and the
  guesses made from a job title or an activity's words.
- `salesforce`: ids (15 and 18 characters), the Salesforce kinds of file and
  the table of contact roles.
- `hubspot`: the HubSpot kinds of file.
- `records`: what a row of each kind reads as (source-independent).

Which format a file is in is told by `accountreview.io.detect`. What is
matched and written is the import service's (`services.importing`).
"""
