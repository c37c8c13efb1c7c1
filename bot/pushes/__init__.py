"""Pushes: the daily quiz, the weekly phase nudge and the streak reminder, each sent once.

``timing`` holds the time math, ``kinds`` what each push is and when it is
next due, ``delivery`` the claim-compose-send-record pass, and ``scheduler``
the one APScheduler job that runs that pass inside ``jalur run``.
"""
