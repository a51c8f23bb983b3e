"""outputcheck: every listing of the book is a real file, every output block a real run.

The package is layered by the flow of a block; each layer imports only the layers below
it (``lint-imports`` checks the contract in ``pyproject.toml``):

- the front ends, the ways in: ``sphinx_ext`` (``{listing}``, ``{output}``, marks,
  timelines), ``pytest_plugin``, ``__main__`` (``python -m outputcheck``), ``live``;
- ``verbs``: check blocks, update pages, verify the matrix;
- ``judging``: a run against its block (matching, diffs, verdicts, proposals);
- ``reading``: a page's blocks and listings;
- ``declaring`` (what may vary, host facts) beside ``running`` (processes, interpreters,
  runs, servers, the cache, interrupts).
"""

__version__ = "0.1.0"
