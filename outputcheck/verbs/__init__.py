"""The verbs: check blocks, update pages, verify the matrix, and the settings they share.

Each verb runs many blocks and judges them: ``check`` (with ``config``, the project's
settings), ``update`` (write drifted output back into pages), ``matrix`` (every block on
every Python).  It may use every layer below it (``judging``, ``reading``, ``declaring``,
``running``), never a front end.
"""
