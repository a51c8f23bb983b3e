"""What a block may declare varies, and text made comparable under it.

``declarations`` reads ``:vary:``, ``:any:``, ``:optional:``, ``:joined:``,
``:unordered:`` and ``:host:``; ``normalize`` holds the kinds of values and the canonical
forms; ``hostfacts`` names this machine's facts.  It works on text only and imports
nothing else of ``outputcheck``: no block, no run.
"""
