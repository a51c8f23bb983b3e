"""Running snippets: processes, interpreters, the runner, servers, the cache, interrupts.

Everything here runs a listing the way a reader would and stops every process it
started; it knows commands and their results, never pages, blocks or declarations, and
also writes files whole or not at all (``files``).  It is the lowest layer: it imports
nothing else of ``outputcheck``.
"""
