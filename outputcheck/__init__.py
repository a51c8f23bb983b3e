"""outputcheck: every listing of the book is a real file, every output block a real run.

Modules, one job each:

- ``runner``: run a snippet as a reader would, many at once, killing what they leave.
- ``cache``: remember runs on disk, keyed on everything that can change them.
- ``normalize``: kinds of varying values, canonical lines, host paths.
- ``declarations``: read what a block declares may vary (``:vary:``, ``:any:``,
  ``:optional:``, ``:joined:``, ``:unordered:``) and which host facts it shows (``:host:``).
- ``matching`` / ``diffs``: a run against its page under those declarations, and how
  they differ, in the page's own words.
- ``hostfacts``: this machine's host name, user, mount points and addresses.
- ``propose``: when fresh runs disagree, what varied and a declaration that covers it.
- ``blocks`` / ``pages``: what an output block is; find blocks in MyST pages.
- ``compare`` / ``check``: judge blocks against runs and explain every failure.
- ``update``: write drifted output back into pages, whole or not at all.
- ``listing``: cut the shown part (object, region, lines) out of a snippet.
- ``sphinx_ext`` / ``pytest_plugin`` / ``__main__``: the three ways in.
"""

__version__ = "0.1.0"
