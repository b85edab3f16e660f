"""Tools for developers: screenshots and demo databases (not part of the app)."""
