"""Judging runs against their blocks: matching, diffs, verdicts, proposals.

``matching`` compares a run with its page under the block's declarations, ``diffs``
shows how they differ, ``compare`` gives a block's verdict and ``propose`` a declaration
when fresh runs disagree.  It may use ``reading``, ``declaring`` and ``running``.
"""
