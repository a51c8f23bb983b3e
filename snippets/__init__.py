"""Tested code listings for chapter 10.5 (asyncio)."""
