"""``python manage.py seed_demo [--scale N] [--seed S] [--reset] [--taxonomy auto|builtin|PATH]``:
the demo district (元宝区), with a year of citizen requests."""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dangqun.demo.build_cases import HISTORY_SPLIT_DAYS
from dangqun.demo.seed import demo_seed, demo_seed_history


class Command(BaseCommand):
    help = (
        "生成演示区(元宝区)的区划、党组织、部门、人口房屋、党员、演示账号、诉求分类与派单规则和一年的诉求;"
        "相同参数重复执行不做任何改动。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="规模倍数,1 = 元宝区(约1035个网格、12万人口)"
        )
        parser.add_argument("--seed", type=int, default=1, help="随机种子,相同种子生成相同数据")
        parser.add_argument(
            "--case-scale", type=float, default=None, help="诉求数量的规模倍数(默认与 --scale 相同)"
        )
        parser.add_argument("--reset", action="store_true", help="先删除已有的演示数据再重新生成")
        parser.add_argument(
            "--history",
            choices=("now", "later"),
            default="now",
            help="now = 在本命令中生成全年诉求(默认);later = 只生成最近几周的诉求,其余由 --play-history "
            "在后台补齐(make run 先启动服务)",
        )
        parser.add_argument(
            "--play-history",
            action="store_true",
            help="补齐以 --history later 生成的演示数据的全年诉求(边服务边写入,分批提交);"
            "没有待补的则立即返回",
        )
        parser.add_argument(
            "--anchor",
            default=None,
            metavar="today|YYYY-MM-DD",
            help="诉求年度的结束日:today = 当前整点(默认,见设置 DANGQUN_DEMO_ANCHOR),或某日10:00;"
            "已有的相同演示数据会整体顺延到该日(见 docs/demo.md)",
        )
        parser.add_argument(
            "--taxonomy",
            default="auto",
            metavar="auto|builtin|PATH",
            help="诉求分类来源:auto = 本机有竞赛分类文件(环境变量 DANGQUN_TAXONOMY_CSV 或 "
            "../shared/data/taidi2020/taxonomy_3level.csv)则用它,否则用内置分类;builtin = 内置分类;"
            "或一个CSV文件路径",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        started = time.perf_counter()
        if options["play_history"]:
            self._play_history(verbosity, started)
            return
        try:
            result = demo_seed(
                actor=None,
                scale=options["scale"],
                seed=options["seed"],
                reset=options["reset"],
                show_progress=verbosity > 0,
                taxonomy=options["taxonomy"],
                case_scale=options["case_scale"],
                anchor=options["anchor"],
                history=options["history"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if verbosity == 0:
            return
        elapsed = time.perf_counter() - started
        scale, seed = result.options.scale, result.options.seed
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(f"演示数据已生成(scale={scale:g}, seed={seed}),用时 {elapsed:.1f} 秒")
            )
        elif result.shifted_days:
            end = f"{timezone.localtime(result.end):%Y-%m-%d %H:%M}" if result.end else ""
            self.stdout.write(
                f"演示数据已存在(scale={scale:g}, seed={seed}),日历已顺延 {result.shifted_days} 天,"
                f"诉求年度止于 {end},用时 {elapsed:.1f} 秒"
            )
        else:
            self.stdout.write(f"演示数据已存在(scale={scale:g}, seed={seed}),未做任何改动")
        self.stdout.write(format_counts(result.counts))
        if result.created and options["history"] == "later":
            self.stdout.write(
                f"以上为最近 {HISTORY_SPLIT_DAYS} 天的诉求;全年其余的诉求在服务启动后于后台补齐"
                "(seed_demo --play-history,日志 var/log/seed-history.log)"
            )

    def _play_history(self, verbosity: int, started: float) -> None:
        try:
            result = demo_seed_history(actor=None, show_progress=verbosity > 1)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if verbosity == 0:
            return
        if result is None:
            self.stdout.write("演示数据没有待补齐的历史诉求")
            return
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"演示数据的全年诉求已补齐,用时 {elapsed:.1f} 秒"))
        self.stdout.write(format_counts(result.counts))


# Chinese labels for the summary table (keys are the counts the seed reports).
LABELS: dict[str, str] = {
    "regions.level1": "区/县",
    "regions.level2": "街道/乡镇",
    "regions.level3": "社区/村",
    "regions.level4": "小区",
    "regions.level5": "网格",
    "department": "职能部门",
    "party_orgs": "党组织",
    "partymember": "党员",
    "meeting": "三会一课·会议记录",
    "meetingattendance": "三会一课·出席记录",
    "transfer": "组织关系转接",
    "duesbase": "党费基数",
    "duespayment": "党费缴纳",
    "development": "发展党员·在册",
    "party_terms": "党组织任期",
    "party_staffing": "机关事业单位党务配备",
    "party_members_left": "减少党员",
    "building": "楼栋",
    "household": "住户",
    "resident": "实有人口",
    "resident_tags": "人员标签(新建)",
    "resident_tag_links": "人员标签关联",
    "business": "商铺/企业",
    "institution": "机关事业单位",
    "facility": "市政设施",
    "user": "用户",
    "membership": "角色任职",
    "categories": "诉求分类(新建)",
    "sla_policies": "办理时限",
    "routing_rules": "派单规则",
    "cases": "诉求",
    "cases.closed": "诉求·已归档",
    "cases.in_progress": "诉求·处置中",
    "cases.dispatched": "诉求·已派单",
    "cases.accepted": "诉求·待派单",
    "cases.submitted": "诉求·待受理",
    "cases.resolved": "诉求·已办结待审核",
    "cases.reviewed": "诉求·已审核待评价",
    "cases.rejected": "诉求·不予受理",
    "cases.merged": "诉求·已并单",
    "case_events": "诉求事件",
    "case_tasks": "办理任务",
    "case_scripts_stopped": "诉求脚本中断(应为0)",
    "cases.copied": "诉求·复制到其他网格",
    "case_events.copied": "诉求事件·复制",
    "case_tasks.copied": "办理任务·复制",
    "kpi.accepted": "年度指标·受理",
    "kpi.resolved": "年度指标·办结",
    "kpi.rated": "年度指标·已评价",
    "kpi.rated_satisfied": "年度指标·满意和基本满意",
    "lights.green": "在办诉求·正常(绿灯)",
    "lights.yellow": "在办诉求·临期(黄灯)",
    "lights.red": "在办诉求·超期(红灯)",
    "triage_model_labels": "智能分拨模型·类别",
    "triage_model_labelled_cases": "智能分拨模型·训练诉求",
    "hotspots": "热点问题(近90天)",
    "community_units": "共建单位",
    "community_needs": "四项清单·需求",
    "community_resources": "四项清单·资源",
    "community_projects": "四项清单·项目",
    "visits_done": "五访·已走访",
    "visits_due": "五访·待走访",
    "patrol_points": "巡查点位",
    "patrols": "网格巡查",
    "diaries": "社情日记",
    "diary_comments": "社情日记评论",
    "meetings": "研判会议",
    "meeting_decisions": "研判决定事项",
    "shared_spaces": "共享空间",
    "space_bookings": "共享空间·预约",
    "space_booking_slots": "共享空间·预约时段",
    "volunteer_stations": "志愿服务站",
    "volunteer_teams": "志愿服务队",
    "volunteers": "志愿者",
    "volunteer_team_members": "志愿服务队·队员",
    "volunteer_activities": "志愿活动",
    "volunteer_signups": "志愿活动·报名",
    "volunteer_hours_entries": "志愿服务时长·记录",
    "nav_points": "智慧导航·点位",
    "member_reports": "党员进社区·报到",
    "service_posts": "党员进社区·服务岗",
    "service_signups": "党员进社区·服务报名",
    "civic_policies": "惠民政策",
    "civic_reach": "惠民政策·推送到人",
    "civic_service_items": "办事指南·事项",
    "civic_service_items_village": "办事指南·示范村事项",
    "civic_applications": "办事指南·代办申请",
    "civic_notices": "居务公开栏·公开信息(一年)",
    "civic_notices_persona_community": "居务公开栏·演示社区公开信息",
    "civic_proposals": "民事民议·议题",
    "civic_proposal_votes": "民事民议·户代表投票",
    "civic_proposal_comments": "民事民议·居民意见",
}


def format_counts(counts: dict[str, int]) -> str:
    """The summary table: a Chinese label and the number per count (unknown keys show as they are)."""
    order = list(LABELS)
    keys = sorted(counts, key=lambda key: (order.index(key) if key in order else len(order), key))
    labels = {key: LABELS.get(key, key) for key in keys}
    # CJK characters take two columns in a terminal
    width = max((_columns(label) for label in labels.values()), default=8)
    lines = [f"{_pad('名称', width)}  {'数量':>9}", f"{'-' * width}  {'-' * 11}"]
    lines += [f"{_pad(labels[key], width)}  {counts[key]:>11,}" for key in keys]
    return "\n".join(lines)


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _columns(text))
