"""Accounts a million phone users can keep (issue 17): password recovery by a one-time SMS
code, phone change, organiser-assisted reset, the person's data download and account
deletion. Services in services.py, reads in selectors.py, pages in views.py."""
