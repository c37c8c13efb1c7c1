"""Jalur on Telegram (python-telegram-bot 22)."""
