"""What the browser tests share: a browser context that stays on the machine."""

from __future__ import annotations

from urllib.parse import urlparse


def open_context(browser, theme: str = "light", **options):
    """A browser context in furo's ``theme`` (what its theme button stores), that
    never leaves the machine and notes every request it could not make."""
    context = browser.new_context(color_scheme=theme, **options)
    context.add_init_script(f"localStorage.setItem('theme', {theme!r})")
    problems: list[str] = []

    def only_loopback(route) -> None:
        if urlparse(route.request.url).hostname not in ("127.0.0.1", "localhost"):
            problems.append(f"request off the machine: {route.request.url}")
            route.abort()
        else:
            route.continue_()

    context.route("**/*", only_loopback)
    return context, problems
