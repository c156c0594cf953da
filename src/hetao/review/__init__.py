"""Peer review for the open challenges (issue 11). For now only the assignment engine: plain Python with NumPy and
OR-Tools, no Django, so that it runs as a command (`python -m hetao.review.assign`) and in `make bench`.

- model.py: the problem (bids, experts, affinity, conflicts, loads, quotas) and the result.
- assignment.py: `solve()` — the checks that explain an infeasible problem, then the solver.
- flow.py: the min-cost flow (no quotas, or quotas on disjoint groups of experts) and the "pool" of zero-affinity
  pairs that is never materialised; cpsat.py: overlapping quotas; certificate.py: the LP bound from the flow's duals.
- assign.py: the command (CSV in, CSV out).

See docs/review-assignment.md.
"""
