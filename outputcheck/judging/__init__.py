"""Judging runs against their blocks: matching, diffs, verdicts, proposals.

``matching`` compares a run with its page under the block's declarations (its steps:
``values``, ``layout``, ``search``), ``diffs`` shows how they differ, ``compare`` gives a
block's verdict and ``propose`` a declaration when fresh runs disagree (its steps:
``propose_values``, ``propose_lines``, ``propose_pairs``, ``propose_kinds``).  It may use
``reading``, ``declaring`` and ``running``.
"""
