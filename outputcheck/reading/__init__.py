"""Reading a page's blocks and listings: what an output block promises, where it is.

``blocks`` makes an output block from a directive's text and options, ``pages`` finds
the blocks of MyST pages, ``listing`` cuts the shown part out of a snippet.  It may use
``declaring`` (a block's declarations) and ``running`` (the command a block names).
"""
