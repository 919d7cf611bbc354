"""惠民政策 pages: staff preview and save a draft, publish it from its page (the buttons are the
door's moves); the enterprise contact reads it in the citizen app; others get 403/404."""

from __future__ import annotations

from django.test import Client

from dangqun.accounts.models import User
from dangqun.civic.models import Policy, PolicyReach


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _form(civic, **extra):  # type: ignore[no-untyped-def]
    return {
        "title": "小微餐饮企业房租减免(页面)",
        "issuer": "广济街道",
        "region": civic.street.code,
        "audience": "business",
        "valid_from": "",
        "rule_0_field": "industry",
        "rule_0_op": "in",
        "rule_0_value": "餐饮",
        "rule_1_field": "employees",
        "rule_1_op": "lte",
        "rule_1_value": "20",
        "body": "<p>减免</p><script>x</script>",
        **extra,
    }


def test_staff_preview_save_and_publish_from_the_pages(civic, run_jobs, django_capture_on_commit_callbacks):
    staff = _client("street_staff")
    before = Policy.objects.count()

    library = staff.get("/civic/policies/")
    preview = staff.post("/civic/policies/new/", _form(civic, preview="1"))
    saved = staff.post("/civic/policies/new/", _form(civic))

    assert library.status_code == 200
    assert "小微餐饮企业房租减免" in library.content.decode()
    assert preview.status_code == 200
    assert 'id="preview-count"' in preview.content.decode()
    assert Policy.objects.count() == before + 1
    policy = Policy.objects.latest("id")
    assert saved.status_code == 302
    assert "<script" not in policy.body
    page = staff.get(f"/civic/policies/{policy.pk}/").content.decode()
    assert f"/civic/policies/{policy.pk}/publish/" in page
    assert "/withdraw/" not in page
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/civic/policies/{policy.pk}/publish/")
    policy.refresh_from_db()
    assert policy.status == "published"
    assert PolicyReach.objects.filter(policy=policy, user__username="enterprise").exists()

    mine = _client("enterprise")
    assert policy.title in mine.get("/civic/my/").content.decode()
    assert mine.get(f"/civic/my/{policy.pk}/").status_code == 200
    assert _client("citizen").get(f"/civic/my/{policy.pk}/").status_code == 404
    assert _client("community_staff").get(f"/civic/policies/{policy.pk}/").status_code == 404
    assert _client("grid_worker").get(f"/civic/policies/{policy.pk}/").status_code == 403


def test_a_bad_rule_on_the_form_is_422_and_saves_nothing(civic):
    staff = _client("street_staff")
    before = Policy.objects.count()

    response = staff.post("/civic/policies/new/", _form(civic, rule_1_value="50,10", rule_1_op="between"))

    assert response.status_code == 422
    assert "下限 50 大于上限 10" in response.content.decode()
    assert Policy.objects.count() == before


def test_the_citizen_sees_the_policies_pushed_to_them(civic):
    html = _client("citizen").get("/civic/my/").content.decode()

    assert "社区老年食堂助餐补贴" in html
    assert "小微餐饮企业房租减免" not in html
