"""Pure rules of the weekly account review: no I/O, no database, no UI.

"Today" is always a parameter, dates are ``datetime.date``, money is ``int``,
and thresholds come from a :class:`~accountreview.domain.settings.Settings`.
"""
