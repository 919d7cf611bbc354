"""The demo study library's content: course titles by kind, a body written from the title, a small
bank of quiz questions with their right answers, and a one-page PDF (plain bytes, no font needed)."""

from __future__ import annotations

import random

# (title, summary); every course a member of the district studies, newest last
DISTRICT_COURSES = (
    ("学习贯彻党的二十大精神专题辅导", "深刻领会党的二十大报告的主题、主线和重大部署"),
    ("《中国共产党章程》逐章学习", "知党章、学党章、守党章,做合格党员"),
    ("《中国共产党纪律处分条例》解读", "把纪律挺在前面,明确“六项纪律”的具体要求"),
    ("关于新形势下党内政治生活的若干准则", "严肃党内政治生活的十二个方面"),
    ("党史学习:从红船到复兴号", "重温党的百年奋斗重大成就和历史经验"),
    ("基层党组织“三会一课”制度规范", "支部党员大会、支委会、党小组会和党课的组织要求"),
    ("党建引领基层治理的实践探索", "网格化管理、精细化服务、信息化支撑"),
    ("党员如何发挥先锋模范作用", "亮身份、践承诺、作表率"),
    ("新时代“枫桥经验”学习材料", "矛盾不上交、平安不出事、服务不缺位"),
    ("接诉即办工作规范与案例", "首问负责、限时办结、群众满意"),
    ("中央八项规定精神学习问答", "锲而不舍落实中央八项规定精神"),
    ("党员发展工作细则要点", "坚持标准、保证质量、改善结构、慎重发展"),
    ("党费收缴、使用和管理规定", "按月交纳党费是党员应尽的义务"),
    ("组织生活会和民主评议党员", "认真开展批评和自我批评"),
    ("乡村振兴战略学习辅导", "产业兴旺、生态宜居、乡风文明、治理有效、生活富裕"),
    ("安全生产与应急管理知识", "人民至上、生命至上,统筹发展和安全"),
    ("守边护边与民族团结教育", "铸牢中华民族共同体意识"),
    ("网络意识形态安全知识", "做网络空间正能量的传播者"),
    ("廉洁文化建设专题", "以案为鉴、以案促改"),
    ("优化营商环境政策解读", "放管服改革与惠企政策"),
    ("为民服务解难题典型案例", "我为群众办实事实践活动"),
    ("社区志愿服务工作指引", "党员志愿者参与社区服务的方式方法"),
    ("老党员口述历史:我的入党故事", "听老党员讲述初心"),
    ("学习《习近平新时代中国特色社会主义思想专题摘编》", "读原著、学原文、悟原理"),
)
STREET_COURSES = (
    ("街道党工委年度工作部署学习", "本街道党建工作要点"),
    ("党群服务中心服务事项清单", "52项社区服务清单与办理时限"),
    ("网格员工作职责与“一日两巡五访五问”", "网格化服务管理规范"),
    ("在职党员进社区报到指南", "双报到、双服务、双评价"),
    ("社区“四项清单”工作方法", "需求、资源、项目、责任清单的对接"),
    ("民情回音壁工作规程", "一汇一报一跟一反馈"),
)
PDF_EVERY = 5  # every fifth course is a PDF 学习材料 (the rest 图文)
QUIZ_EVERY = 2  # every second course has a quiz

QUESTIONS = (
    ("党的最高理想和最终目标是什么?", ["实现共产主义", "全面建成小康社会", "基本实现现代化"], 0),
    ("党的根本组织原则是什么?", ["民主集中制", "集体领导", "分工负责制"], 0),
    ("党员连续多长时间不参加党的组织生活、不交纳党费、不做党所分配的工作,就被认为是自行脱党?",
     ["三个月", "六个月", "一年"], 1),
    ("预备党员的预备期为多长时间?", ["六个月", "一年", "两年"], 1),
    ("“三会一课”中的“一课”是指什么?", ["党课", "业务培训课", "形势政策课"], 0),
    ("党支部党员大会一般多长时间召开一次?", ["每月一次", "每季度一次", "每年一次"], 1),
    ("“四个意识”不包括下列哪一项?", ["政治意识", "大局意识", "核心意识", "创新意识"], 3),
    ("党的根本宗旨是什么?", ["全心全意为人民服务", "实事求是", "艰苦奋斗"], 0),
)  # fmt: skip

PARAGRAPHS = (
    "{title}是党员学习教育的重要内容。各党支部要组织党员认真学习,把学习成效转化为推动工作的实际行动。",
    "学习中要坚持读原文、学原著、悟原理,结合本职工作和社区实际,做到学思用贯通、知信行统一。",
    "年龄较大或行动不便的党员,可以在手机上打开本课程,使用“字号加大”和“朗读全文”功能学习。",
    "学完后请点击“我已学完”,并完成课后测验。党支部将按月统计学习完成情况。",
    "{summary}。请结合支部主题党日开展交流研讨,每名党员至少撰写一篇学习体会。",
)


def course_body(rng: random.Random, title: str, summary: str) -> str:
    picked = [PARAGRAPHS[0], *rng.sample(PARAGRAPHS[1:], 3)]
    return "\n\n".join(p.format(title=title, summary=summary) for p in picked)


def quiz_for(rng: random.Random) -> list[tuple[str, list[str], int]]:
    return rng.sample(list(QUESTIONS), 3)


def study_pdf(label: str) -> bytes:
    """A valid one-page PDF saying ``label`` (ASCII) in Helvetica."""
    text = label.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
