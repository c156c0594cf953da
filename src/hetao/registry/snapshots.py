"""The home dashboard's figures, computed once and kept in the shared cache (Redis in production).

A request reads the snapshot (one cache round trip) instead of running the ~15 aggregate queries. The snapshot
holds plain, language-neutral data (selectors.dashboard_figures); labels are resolved when the page renders.

A snapshot is fresh while
- the write generation it was computed at is still the current one: registry services (and the demo loader)
  call `dashboard_invalidate()`, which bumps the generation once their transaction commits;
- it is younger than HETAO_DASHBOARD_MAX_AGE seconds: the safety net for writes outside the services
  (the admin, raw SQL, another app) and for figures that depend on the date;
- it was computed today (the researcher and tenant counts depend on the date).

Only one process recomputes a stale snapshot (a `cache.add` lock); the others serve the previous one meanwhile.

The page's figures sections, rendered, are cached too, under the snapshot's version and the language
(registry/views.py `home`): a request then renders only the page around them.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from . import selectors

SCHEMA = 1  # bump when the shape of dashboard_figures() changes: old snapshots are then ignored
SNAPSHOT_KEY = f"hetao:dashboard:v{SCHEMA}:snapshot"
GENERATION_KEY = "hetao:dashboard:generation"
LOCK_KEY = f"hetao:dashboard:v{SCHEMA}:lock"
LOCK_SECONDS = 60  # longer than any recomputation; a crashed holder frees the lock at most this late


def _bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): any new value differs from the snapshots' ones
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def dashboard_invalidate() -> None:
    """The counted registry tables changed: the next request recomputes the figures.

    Deferred until the surrounding transaction commits, so that no process recomputes from the old rows and
    stores them under the new generation."""
    transaction.on_commit(_bump_generation)


def _current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _is_fresh(snapshot: dict | None, generation) -> bool:
    return (snapshot is not None and snapshot["generation"] == generation
            and time.time() - snapshot["computed_at"] < settings.HETAO_DASHBOARD_MAX_AGE
            and snapshot["date"] == selectors.today().isoformat())


def _version(snapshot: dict) -> str:
    return f"{snapshot['generation']}:{snapshot['computed_at']!r}"


def _recompute(generation=None) -> dict:
    if generation is None:
        generation = _current_generation()
    snapshot = {"generation": generation, "computed_at": time.time(), "date": selectors.today().isoformat(),
                "figures": selectors.dashboard_figures()}
    cache.set(SNAPSHOT_KEY, snapshot, timeout=None)  # kept past its freshness: served while one recomputes
    return snapshot


def dashboard_recompute(generation=None) -> dict:
    """Compute the figures now and store them as the snapshot of `generation` (the current one by default)."""
    return _recompute(generation)["figures"]


def dashboard_snapshot() -> tuple[dict, str | None]:
    """(figures, version) from a fresh snapshot, recomputing it when stale. `version` names the snapshot the
    figures come from, so that what is rendered from them may be cached under it (with the language); None when
    they were computed without being stored."""
    found = cache.get_many([GENERATION_KEY, SNAPSHOT_KEY])
    snapshot, generation = found.get(SNAPSHOT_KEY), found.get(GENERATION_KEY)
    if generation is None:
        generation = _current_generation()
    if snapshot is not None and _is_fresh(snapshot, generation):
        return snapshot["figures"], _version(snapshot)
    if not cache.add(LOCK_KEY, True, timeout=LOCK_SECONDS):
        # Another process is recomputing: serve the previous figures if there are any.
        return (snapshot["figures"], _version(snapshot)) if snapshot else (selectors.dashboard_figures(), None)
    try:
        # The generation was read before computing: a write committed meanwhile makes this snapshot stale at once.
        snapshot = _recompute(generation)
        return snapshot["figures"], _version(snapshot)
    finally:
        cache.delete(LOCK_KEY)


def dashboard_figures() -> dict:
    """The dashboard's figures from a fresh snapshot, recomputing it when stale."""
    return dashboard_snapshot()[0]
