"""The home dashboard serves its figures from a snapshot in the cache, refreshed by registry writes
(hetao.registry.snapshots), by age, and by one process at a time."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hetao.registry import selectors, services, snapshots
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def kpi(response, key: str):
    return {k.key: k.value for k in response.context["kpis"]}[key]


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/en/").status_code == 200
    return len(ctx.captured_queries)


def test_a_write_through_a_service_shows_on_the_next_request(client, django_capture_on_commit_callbacks):
    before = kpi(client.get("/en/"), "fortune500")
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_create(actor=None, system=True, slug="w7-new-centre", kind="fortune500_rd",
                                     name_en="New Global R&D Centre", origin="mainland")
    assert kpi(client.get("/en/"), "fortune500") == before + 1


def test_the_figures_are_not_refreshed_before_the_write_commits(client, django_capture_on_commit_callbacks):
    before = kpi(client.get("/en/"), "fortune500")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.organisation_create(actor=None, system=True, slug="w7-uncommitted", kind="fortune500_rd",
                                     name_en="Uncommitted Centre", origin="mainland")
        # Not committed yet: a recomputation now would store the old rows under the new generation.
        assert kpi(client.get("/en/"), "fortune500") == before
    assert callbacks  # the invalidation waits for the commit


def test_a_read_does_not_recompute(client):
    cold = home_queries(client)
    warm = home_queries(client)
    assert warm < cold
    assert warm == home_queries(client)
    # A write outside the services (here a factory) is not seen before the maximum age: the figures were not
    # recomputed by the read.
    before = selectors.dashboard_figures()["kpis"]["fortune500"]
    OrganisationFactory(kind="fortune500_rd")
    assert kpi(client.get("/en/"), "fortune500") == before


def test_a_snapshot_older_than_the_maximum_age_is_recomputed(client, settings, monkeypatch):
    settings.HETAO_DASHBOARD_MAX_AGE = 300
    before = kpi(client.get("/en/"), "fortune500")
    OrganisationFactory(kind="fortune500_rd")  # outside the services: only the age catches it
    assert kpi(client.get("/en/"), "fortune500") == before
    now = time.time()
    monkeypatch.setattr(snapshots.time, "time", lambda: now + 301)
    assert kpi(client.get("/en/"), "fortune500") == before + 1


def test_a_snapshot_from_another_day_is_recomputed(client, monkeypatch):
    import datetime

    client.get("/en/")
    warm = home_queries(client)
    tomorrow = selectors.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(selectors, "today", lambda: tomorrow)
    assert home_queries(client) > warm


def test_only_one_process_recomputes_the_others_serve_the_previous_snapshot(client, django_capture_on_commit_callbacks):
    before = kpi(client.get("/en/"), "fortune500")
    warm = home_queries(client)
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_create(actor=None, system=True, slug="w7-during-lock", kind="fortune500_rd",
                                     name_en="Centre Written During A Recomputation", origin="mainland")
    assert cache.add(snapshots.LOCK_KEY, True)  # another process is recomputing
    response = client.get("/en/")
    assert kpi(response, "fortune500") == before  # the previous snapshot, without recomputing
    assert home_queries(client) == warm
    cache.delete(snapshots.LOCK_KEY)  # that process finished
    assert kpi(client.get("/en/"), "fortune500") == before + 1
    assert cache.get(snapshots.LOCK_KEY) is None  # the recomputing request released its lock


def test_without_any_snapshot_a_locked_request_computes_without_storing(client):
    assert cache.add(snapshots.LOCK_KEY, True)
    response = client.get("/en/")
    assert kpi(response, "fortune500") == selectors.dashboard_figures()["kpis"]["fortune500"]
    assert cache.get(snapshots.SNAPSHOT_KEY) is None


def test_the_snapshot_is_language_neutral(client):
    english = client.get("/en/").content.decode()  # computes the snapshot in English
    with CaptureQueriesContext(connection) as ctx:
        chinese = client.get("/zh-hant/").content.decode()
    assert len(ctx.captured_queries) == home_queries(client)  # served from the same snapshot
    assert "High-end research projects" in english and "高端科研項目" not in english
    assert "高端科研項目" in chinese and "High-end research projects" not in chinese


@pytest.mark.parametrize("lang", ["en", "zh-hans", "zh-hant"])
def test_the_page_shows_the_same_figures_as_a_fresh_computation(client, lang):
    from django.utils import translation

    client.get("/en/")  # the snapshot is computed in another language
    response = client.get(f"/{lang}/")
    with translation.override(lang):
        kpis = [(k.key, str(k.label), k.value, str(k.unit)) for k in response.context["kpis"]]
        assert kpis == [(k.key, str(k.label), k.value, str(k.unit)) for k in selectors.dashboard_kpis()]
        assert response.context["charts"] == selectors.dashboard_charts()
    if lang == "zh-hant":
        assert "深圳園區" in response.context["charts"]["space_by_park_and_use"]["parks"]


def shown(response, key: str) -> str:
    """The figure the page prints for a KPI (its rendered HTML, which is cached per snapshot and language)."""
    import re

    html = response.content.decode()
    return re.search(rf'data-kpi="{key}">\s*<div class="card-body">\s*<p class="kpi-value mb-1">([^<]+)', html)[1]


def test_the_rendered_figures_follow_the_snapshot(client, django_capture_on_commit_callbacks):
    before = client.get("/en/")
    assert shown(before, "fortune500") == f"{kpi(before, 'fortune500'):,}"
    assert shown(client.get("/en/"), "fortune500") == shown(before, "fortune500")  # from the cached fragment
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_create(actor=None, system=True, slug="w7-rendered", kind="fortune500_rd",
                                     name_en="Rendered Centre", origin="mainland")
    after = client.get("/en/")
    assert shown(after, "fortune500") == f"{kpi(before, 'fortune500') + 1:,}"
    assert "High-end research projects" not in client.get("/zh-hant/").content.decode()  # one fragment per language


def test_figures_computed_without_a_snapshot_are_not_kept(client):
    assert cache.add(snapshots.LOCK_KEY, True)  # another process is recomputing and there is no snapshot
    first = client.get("/en/")
    assert first.context["figures_version"] is None and first.context["figures_timeout"] == 0
    cache.delete(snapshots.LOCK_KEY)
    OrganisationFactory(kind="fortune500_rd")  # outside the services: the first snapshot counts it
    second = client.get("/en/")
    assert shown(second, "fortune500") == f"{kpi(first, 'fortune500') + 1:,}"
