"""Timelines of the book's asyncio listings, drawn from real, traced runs.

* :mod:`timeline.tracer` records a run (installed by ``timeline/site/sitecustomize.py``
  when ``OUTPUTCHECK_TRACE`` names the JSON file to write);
* :mod:`timeline.draw` turns that JSON into an inline SVG and a text alternative.
"""
