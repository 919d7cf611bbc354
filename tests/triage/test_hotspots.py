"""Hotspot mining on small made-up messages: clustering by problem, place and time, the heat index, the
CSV reader (both time formats, both header sets), the ``hotspots`` command and its Excel tables."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from dangqun.triage.hotspots import Message, coined_names, find_hotspots, heat, places, subjects
from dangqun.triage.hotspots_io import BOARD_TZ, parse_time, read_hotspot_csv

# No database is needed, but the session's demo seeding runs only with one.
pytestmark = pytest.mark.django_db

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=BOARD_TZ)

MIXER = [
    ("投诉幸福里小区旁边搅拌站噪音扰民", "幸福里小区旁边的搅拌站每天夜里施工,噪音太大,居民无法休息。"),
    ("幸福里小区附近搅拌站夜间施工噪音严重", "搅拌站就在幸福里小区附近,夜间施工噪音严重影响休息。"),
    ("幸福里小区搅拌站扰民问题", "幸福里小区附近建了搅拌站,噪音和粉尘严重,请有关部门处理。"),
    ("请求处理幸福里小区旁搅拌站噪音", "我们是幸福里小区居民,旁边搅拌站噪音扰民,晚上睡不着。"),
]
PARKING = [
    ("青松路小学门口接送车辆拥堵", "每天放学时青松路小学门口家长车辆乱停,道路拥堵严重。"),
    ("青松路小学放学时段交通拥堵", "青松路小学放学时门口车辆拥堵,希望交警疏导。"),
]
OTHERS = [
    ("咨询医保报销比例", "想问一下门诊医保报销比例是多少。"),
    ("建议增加公交线路", "希望开通到火车站的公交线路,方便出行。"),
    ("路灯不亮", "桃源村口的路灯坏了很久。"),
]


def _messages() -> list[Message]:
    out = []
    for k, (title, text) in enumerate(MIXER):
        out.append(Message(f"m{k}", title, text, T0 + timedelta(days=k), user=f"u{k}", likes=k))
    for k, (title, text) in enumerate(PARKING):
        out.append(Message(f"p{k}", title, text, T0 + timedelta(days=2 * k), user=f"v{k}"))
    for k, (title, text) in enumerate(OTHERS):
        out.append(Message(f"o{k}", title, text, T0 + timedelta(days=k), user=f"w{k}"))
    return out


def test_messages_about_one_problem_at_one_place_form_the_top_hotspot() -> None:
    found = find_hotspots(_messages(), top=5, use_jieba=False)

    assert [h.rank for h in found] == [1, 2]
    assert sorted(found[0].ids) == ["m0", "m1", "m2", "m3"]
    assert "幸福里" in found[0].place
    assert "搅拌站" in found[0].summary
    assert sorted(found[1].ids) == ["p0", "p1"]
    assert "青松路小学" in found[1].place
    assert found[0].heat > found[1].heat
    assert found[0].as_json()["time_range"] == ["2024-05-01 09:00:00", "2024-05-04 09:00:00"]


def test_the_same_problem_a_year_later_is_another_hotspot() -> None:
    early = [Message(f"a{k}", t, x, T0 + timedelta(days=k), user=f"a{k}") for k, (t, x) in enumerate(MIXER)]
    late = [
        Message(f"b{k}", t, x, T0 + timedelta(days=365 + k), user=f"b{k}") for k, (t, x) in enumerate(MIXER)
    ]

    others = [m for m in _messages() if not m.id.startswith("m")]

    found = find_hotspots(early + late + others, top=5, use_jieba=False)

    groups = sorted(sorted(h.ids) for h in found)
    assert ["a0", "a1", "a2", "a3"] in groups
    assert ["b0", "b1", "b2", "b3"] in groups
    assert found[0].ids[0].startswith("b")  # the recent one is hotter


def test_heat_counts_reporters_more_than_repeated_posts_and_rewards_support() -> None:
    one_voice = [Message(f"x{k}", "t", "t", T0 + timedelta(days=k), user="same") for k in range(4)]
    four_voices = [Message(f"y{k}", "t", "t", T0 + timedelta(days=k), user=f"u{k}") for k in range(4)]
    liked = [Message(f"z{k}", "t", "t", T0 + timedelta(days=k), user="same", likes=50) for k in range(4)]
    reference = T0 + timedelta(days=4)

    assert heat(four_voices, reference)[0] > heat(one_voice, reference)[0]
    assert heat(liked, reference)[0] > heat(one_voice, reference)[0]
    assert heat(one_voice, reference + timedelta(days=90))[0] < heat(one_voice, reference)[0]
    assert heat(four_voices, reference)[1]["reporters"] == 4


def test_places_skip_masked_districts_and_generic_words() -> None:
    message = Message("1", "A3区幸福里小区门口的路灯坏了", "我们小区路灯坏了", T0)

    found = places(message, use_jieba=False)

    assert "幸福里小区" in found
    assert not any(p.startswith("A3") for p in found)
    assert "小区" not in found


# An online-lending fraud: victims everywhere, no place, little wording in common beyond its name.
FRAUD = [
    ("请领导关注A市99网贷案", "我是受害人,平台去年关停,至今没有任何案情通报,请督促办案单位公开进展。"),
    ("99网贷老板跑路,经侦拖延办案", "董事长已经出境,经侦大队至今没有发布红色通缉,资金去向无人过问。"),
    ("A4区99网贷立案半年毫无进展", "五千多名出借人血本无归,立案以来冻结的资产从未公布,恳请过问。"),
    ("严惩99网贷集资诈骗保护伞", "平台设立近四年,非法吸收公众存款三亿元,希望彻查背后的保护伞。"),
]
KTV = [
    ("幸福里小区楼下K9歌厅深夜扰民", "每天晚上唱到凌晨两点,音响声音太大,孩子无法入睡。"),
    ("青松苑门口的K9歌厅消防通道被堵", "门口停满车辆,消防通道长期堵塞,存在安全隐患。"),
]


def test_an_incident_with_no_place_is_one_hotspot_through_its_coined_name() -> None:
    fraud = [
        Message(f"f{k}", t, x, T0 + timedelta(days=3 * k), user=f"f{k}") for k, (t, x) in enumerate(FRAUD)
    ]

    found = find_hotspots(fraud + _messages(), top=5, use_jieba=False)

    groups = {tuple(sorted(h.ids)): h for h in found}
    assert ("f0", "f1", "f2", "f3") in groups
    assert groups[("f0", "f1", "f2", "f3")].place == "99网贷"  # not "99网贷老板跑路" (跑路 is no road)
    assert "99网贷" in places(fraud[2], use_jieba=False)
    assert places(Message("u", "3号楼2单元漏水", "", T0), use_jieba=False) == []  # units are not names


def test_a_coined_name_at_two_named_places_is_two_problems() -> None:
    ktv = [Message(f"k{k}", t, x, T0 + timedelta(days=k), user=f"k{k}") for k, (t, x) in enumerate(KTV)]

    found = find_hotspots(ktv + _messages(), top=5, use_jieba=False)

    assert places(ktv[1], use_jieba=False)  # both titles name a place and the same coined name: K9歌厅
    assert coined_names(ktv[0].title) == coined_names(ktv[1].title) == {"K9歌厅"}
    assert not any({"k0", "k1"} <= set(h.ids) for h in found)


# One policy for one group of people, asked about for most of a year, a few messages a month, in
# different words and with different texts: no place, no coined name, low text similarity.
TALENT = [
    ("咨询人才购房补贴政策", "回来工作后买了房,申请了很多次都没有成功,电话永远打不通。"),
    ("人才新政购房补贴什么时候发放", "材料交了三个月,还没有收到任何通知,请问进度在哪里查。"),
    ("为何我的人才购房补贴申请不通过", "夫妻共同买的房,系统提示不符合条件,想知道原因。"),
    ("二手房能享受人才新政购房补贴吗", "最近打算买一套二手房,不知道算不算首次购房。"),
    ("人才补贴已经两个月没发了", "之前每月按时到账,最近两个月都没有发放。"),
    ("反映人才租房购房补贴问题", "在事业单位工作的人才为什么不能申请,希望一视同仁。"),
]


def _talent(days_apart: float) -> list[Message]:
    return [
        Message(f"t{k}", t, x, T0 + timedelta(days=days_apart * k), user=f"t{k}", likes=1)
        for k, (t, x) in enumerate(TALENT)
    ]


def test_the_subject_of_a_title_is_its_policy_word_with_whom_it_is_for() -> None:
    talent = subjects("咨询A市人才购房补贴政策")
    assert talent == {("人才", "补贴"): "人才购房补贴", ("购房", "补贴"): "购房补贴"}
    assert ("人才", "补贴") in subjects("A市人才新政落户等相关问题")  # 新政: a 补贴 question
    assert ("出租车", "补贴") in subjects("A市2018年度出租车燃油补贴什么时候发")
    assert subjects("小区门口路灯不亮") == {}
    assert subjects("咨询相关补贴政策") == {}  # nobody's policy: no subject


def test_one_policy_for_one_group_over_most_of_a_year_is_one_hotspot_named_by_its_subject() -> None:
    talent = _talent(days_apart=45)  # 225 days: longer than a place hotspot may last

    found = find_hotspots(talent + _messages(), top=5, use_jieba=False)

    groups = {tuple(sorted(h.ids)): h for h in found}
    everyone = tuple(sorted(m.id for m in talent))
    assert everyone in groups
    assert "人才" in groups[everyone].place
    assert "补贴" in groups[everyone].place
    # the place hotspots are untouched
    assert ("m0", "m1", "m2", "m3") in groups
    assert ("p0", "p1") in groups


def test_a_subject_asked_about_again_after_a_long_silence_is_another_hotspot() -> None:
    talent = _talent(days_apart=150)  # 150 days between messages: past the subject gap

    found = find_hotspots(talent, top=5, use_jieba=False)

    assert found == []


def test_one_policy_word_at_two_named_places_is_two_problems() -> None:
    pair = [
        Message("s0", "幸福里小区加装电梯补贴迟迟不到位", "电梯装好半年了。", T0, user="s0"),
        Message("s1", "青松苑小区加装电梯补贴迟迟不到位", "电梯装好半年了。", T0 + timedelta(days=3)),
    ]
    assert ("电梯", "补贴") in subjects(pair[0].title)

    found = find_hotspots(pair, top=5, use_jieba=False)

    assert not any({"s0", "s1"} <= set(h.ids) for h in found)


def test_nothing_to_cluster_gives_no_hotspots() -> None:
    assert find_hotspots([], top=5) == []
    assert find_hotspots([Message("1", "路灯不亮", "", T0)], top=5, use_jieba=False) == []
    assert find_hotspots(_messages(), top=0, use_jieba=False) == []


def test_both_time_formats_of_the_board_are_read() -> None:
    assert parse_time("2019/2/28 11:25:05") == datetime(2019, 2, 28, 11, 25, 5, tzinfo=BOARD_TZ)
    assert parse_time("2019-02-28 11:25:05") == datetime(2019, 2, 28, 11, 25, 5, tzinfo=BOARD_TZ)
    assert parse_time("2019-02-28") == datetime(2019, 2, 28, tzinfo=BOARD_TZ)
    assert parse_time("2019/2/30 11:00:00") is None
    assert parse_time("昨天") is None


# --- the command -------------------------------------------------------------------------------------


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _rows(chinese_time: bool = False) -> list[list[object]]:
    rows: list[list[object]] = []
    for k, m in enumerate(_messages()):
        stamp = m.time.strftime("%Y/%-m/%-d %H:%M:%S" if chinese_time and k % 2 else "%Y-%m-%d %H:%M:%S")
        rows.append([m.id, m.user, m.title, f"\n\t\t{m.text}\n\t", stamp, m.likes, 0])
    return rows


def _run(*args: str) -> list[dict[str, object]]:
    out = StringIO()
    call_command("hotspots", *args, stdout=out)
    return json.loads(out.getvalue())


def test_command_prints_the_ranked_json_list(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.csv", ["id", "user", "title", "text", "time", "likes", "dislikes"], _rows())

    result = _run("--input", str(path), "--top", "5", "--json")

    assert [r["rank"] for r in result] == [1, 2]
    assert set(result[0]) == {"rank", "heat", "ids", "place", "time_range", "summary"}
    assert sorted(result[0]["ids"]) == ["m0", "m1", "m2", "m3"]  # type: ignore[arg-type]


def test_command_reads_the_contest_headers_and_writes_the_two_tables(tmp_path: Path) -> None:
    header = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "反对数", "点赞数"]
    rows = [[r[0], r[1], r[2], r[4], r[3], r[6], r[5]] for r in _rows(chinese_time=True)]
    rows[0][2] = '=HYPERLINK("http://x")幸福里小区搅拌站噪音扰民'
    path = _write(tmp_path / "m.csv", header, rows)
    out = tmp_path / "hot.xlsx"

    result = _run("--input", str(path), "--top", "1", "--json", "--xlsx", str(out))

    book = load_workbook(out)
    assert book.sheetnames == ["热点问题表", "热点问题留言明细表"]
    summary = list(book["热点问题表"].values)
    assert summary[0] == ("热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述")
    assert len(summary) == 2
    assert summary[1][0] == 1
    assert summary[1][2] == result[0]["heat"]
    details = list(book["热点问题留言明细表"].values)
    assert details[0] == (
        "问题ID",
        "留言编号",
        "留言用户",
        "留言主题",
        "留言时间",
        "留言详情",
        "点赞数",
        "反对数",
    )
    assert sorted(row[1] for row in details[1:]) == ["m0", "m1", "m2", "m3"]
    titles = {row[1]: row[3] for row in details[1:]}
    assert titles["m0"].startswith("'=HYPERLINK")  # not a formula in Excel
    assert all("\t" not in row[5] for row in details[1:])


@pytest.mark.parametrize(
    ("header", "rows", "problem"),
    [
        (["id", "title", "text", "time"], [["1", "a", "b", "2019-01-01"]], "缺少列 user"),
        (["id", "user", "title", "text", "time"], [["1", "u", "a", "b", "下周"]], "时间无法识别"),
        (
            ["id", "user", "title", "text", "time", "likes"],
            [["1", "u", "a", "b", "2019-01-01", "很多"]],
            "不是整数",
        ),
        (["id", "user", "title", "text", "time"], [["1", "u", "", "", "2019-01-01"]], "都为空"),
        (["id", "user", "title", "text", "time"], [], "没有数据行"),
        (
            ["id", "user", "title", "text", "time"],
            [["1", "u", "a", "b", "2019-01-01"], ["1", "v", "c", "d", "2019-01-02"]],
            "重复",
        ),
    ],
)
def test_an_unusable_file_stops_with_its_name_and_the_problem(
    tmp_path: Path, header: list[str], rows: list[list[object]], problem: str
) -> None:
    path = _write(tmp_path / "bad.csv", header, rows)

    with pytest.raises(CommandError) as caught:
        _run("--input", str(path), "--top", "5", "--json")

    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_missing_binary_and_empty_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04\x00\x00binary")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    for name, problem in (("nope.csv", "无法读取"), ("x.xlsx", "不是文本"), ("empty.csv", "为空")):
        with pytest.raises(CommandError, match=problem):
            _run("--input", str(tmp_path / name), "--top", "5", "--json")
    good = _write(
        tmp_path / "m.csv", ["id", "user", "title", "text", "time"], [["1", "u", "a", "b", "2019-01-01"]]
    )
    with pytest.raises(CommandError, match="--top"):
        _run("--input", str(good), "--top", "0", "--json")


def test_read_hotspot_csv_strips_the_padding_of_the_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.csv", ["id", "user", "title", "text", "time"], _rows())

    messages = read_hotspot_csv(path)

    assert messages[0].text == MIXER[0][1]
    assert messages[0].time == T0
