"""Telegram handlers: thin adapters from updates to the domain modules and back."""
