"""Streaks: the pure rules (``rules``) and counting a day of activity in the database (``record``)."""
