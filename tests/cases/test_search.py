"""Full-text search over cases, on SQLite (FTS5 trigram + triggers) and PostgreSQL (tsvector + pg_trgm)."""

import pytest
from django.db import connection

from dangqun.accounts.models import User
from dangqun.cases.models import Case
from dangqun.cases.search import has_cjk, search_q, split_terms
from dangqun.cases.services.intake import case_create
from dangqun.regions.models import Region, RegionLevel


@pytest.fixture
def make_case(demo):
    citizen = User.objects.get(username="citizen")
    grid = Region.objects.filter(level=RegionLevel.GRID).order_by("path").first()

    def make(title: str, description: str) -> Case:
        return case_create(
            actor=citizen, channel="app", title=title, description=description, region=grid
        ).case

    return make


def _found(query: str) -> set[int]:
    return set(Case.objects.filter(search_q(query)).values_list("pk", flat=True))


def test_terms_are_split_on_white_space_and_deduplicated():
    assert split_terms("  路灯  不亮 路灯 ") == ["路灯", "不亮"]
    assert has_cjk("5号楼")
    assert not has_cjk("KTV 5")


def test_chinese_substrings_of_every_length_match(make_case):
    lamp = make_case("东门路灯不亮", "幸福小区东门路灯连续三晚不亮")
    noise = make_case("噪音扰民", "楼下烧烤店夜间噪音")

    assert lamp.pk in _found("路灯不亮")  # trigram index
    assert lamp.pk in _found("路灯")  # two characters: LIKE / ILIKE
    assert noise.pk in _found("噪")
    assert noise.pk not in _found("路灯")
    assert not {lamp.pk, noise.pk} & _found("东门 噪音")


def test_latin_words_match_whatever_the_case(make_case):
    case = make_case("KTV噪音", "夜里WiFi信号差,KTV很吵")

    assert case.pk in _found("ktv")
    assert case.pk in _found("wifi")
    assert case.pk in _found("Wi")


def test_the_index_follows_updates_of_title_and_description(make_case):
    case = make_case("井盖缺失", "人行道井盖缺失")

    Case.objects.filter(pk=case.pk).update(title="树木倒伏", description="台风后树木倒伏压住车辆")

    assert case.pk not in _found("井盖缺失")
    assert case.pk in _found("树木倒伏")


def test_the_index_follows_deletes(make_case):
    case = make_case("垃圾清运不及时", "垃圾桶满溢")
    case.events.all()._raw_delete(case.events.all().db)  # events are append-only; raw delete for the test
    pk = case.pk

    Case.objects.filter(pk=pk)._raw_delete(connection.alias)

    assert pk not in _found("垃圾清运")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_case_fts WHERE rowid = %s", [pk])
            assert cursor.fetchone()[0] == 0


@pytest.mark.parametrize("query", ['"', "''", "%", "_", "a OR b", "NEAR(x y)", '路灯" OR "', "*", "\\"])
def test_odd_queries_never_fail(make_case, query):
    make_case("路灯不亮", "100%_确定")

    assert isinstance(_found(query), set)


def test_percent_and_underscore_are_literal(make_case):
    case = make_case("收费标准", "物业费上涨20%")
    other = make_case("收费标准", "物业费上涨200元")

    found = _found("20%")

    assert case.pk in found
    assert other.pk not in found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")
def test_postgresql_plans_use_the_search_indexes(make_case):
    make_case("路灯不亮", "东门路灯")
    with connection.cursor() as cursor:
        # Small test tables: forbid the scans a planner would rightly prefer, to see that the index fits.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        for query in ("路灯不亮", "ktv"):
            sql, params = Case.objects.filter(search_q(query)).order_by().values("pk").query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "cases_case_trgm" in plan or "cases_case_fts_simple" in plan, plan
