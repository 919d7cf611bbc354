import pytest
from django.db import connection

from dangqun.core.fields import join_path, path_upper_bound
from dangqun.regions.models import Region


def test_path_upper_bound_excludes_siblings_with_longer_codes():
    assert path_upper_bound("/21/") == "/210"
    assert path_upper_bound("/21/") > "/21/5/"
    assert path_upper_bound("/21/") <= "/210/"


def test_join_path_rejects_separator_in_code():
    with pytest.raises(ValueError, match="path segment"):
        join_path("/1/", "a/b")


@pytest.mark.django_db
def test_subtree_lookup_selects_node_and_descendants_only():
    root = Region.objects.create(code="21", name="区", kind="district", level=1, path="/21/")
    a = Region.objects.create(code="2101", name="A", kind="street", level=2, parent=root, path="/21/2101/")
    a1 = Region.objects.create(
        code="210101", name="A1", kind="community", level=3, parent=a, path="/21/2101/210101/"
    )
    b = Region.objects.create(code="21011", name="B", kind="street", level=2, parent=root, path="/21/21011/")
    got = set(Region.objects.filter(path__subtree=a.path).values_list("code", flat=True))
    assert got == {a.code, a1.code}
    assert b.code not in got


@pytest.mark.django_db
def test_subtree_lookup_uses_the_index():
    Region.objects.create(code="21", name="区", kind="district", level=1, path="/21/")
    qs = Region.objects.filter(path__subtree="/21/")
    plan = qs.explain()
    if connection.vendor == "sqlite":
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan
    else:
        with connection.cursor() as cur:
            cur.execute("SET enable_seqscan = off")
        plan = Region.objects.filter(path__subtree="/21/").explain()
        assert "Index" in plan
