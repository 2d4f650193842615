"""The demo zone: realistic departments, enterprises, accounts and assignments."""
