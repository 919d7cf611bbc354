"""Duplicates (并单): open cases about the same problem as a given case, by text, place and time.

Candidates come from one bounded query: open cases in the same community (the whole district when the
case has no place below its street), submitted within ``DANGQUN["TRIAGE_DUPLICATE_DAYS"]`` (default 7)
of it, at most ``POOL_LIMIT`` of them, newest first. Each is scored

    score = 0.65 × text + 0.25 × place + 0.10 × time

- text: cosine of character 1–2-gram TF-IDF vectors (title twice + the first 500 characters), the
  document frequencies taken from the pool itself;
- place: 1 in the same grid, 1 − d/500 m for two points under 500 m apart, 0.7 in the same compound
  (or village grid), 0.4 in the same community, else 0;
- time: 1 − the days between them / the window.

A candidate needs text ≥ ``MIN_TEXT`` and score ≥ ``MIN_SCORE``: a place alone never makes a duplicate.
Suggestions are computed when read (the case page, the queue, the API), never stored.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from scipy.sparse import csr_matrix

from dangqun.cases.enums import OPEN_STATUSES, CaseStatus
from dangqun.cases.models import Case

POOL_LIMIT = 300  # candidate cases read per query
MIN_TEXT = 0.35
MIN_SCORE = 0.45
MAX_SUGGESTIONS = 3
TEXT_CHARS = 500
DEFAULT_DAYS = 7.0
NEAR_METRES = 500.0
# The duplicate side of a merge: only a case not yet dispatched may be folded into another.
MERGEABLE = (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED)
_WORD = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
_FIELDS = (
    "id",
    "code",
    "title",
    "description",
    "status",
    "region_path",
    "grid_id",
    "lng",
    "lat",
    "submitted_at",
    "merged_into_id",
)


@dataclass(frozen=True)
class Duplicate:
    case: Case  # the other (older or newer) open case
    score: float
    text: float
    place: float
    days: float

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.case.code,
            "title": self.case.title,
            "status": self.case.status,
            "score": round(self.score, 3),
            "text": round(self.text, 3),
            "place": round(self.place, 3),
            "days": round(self.days, 1),
        }


def window_days() -> float:
    raw = settings.DANGQUN.get("TRIAGE_DUPLICATE_DAYS", "")
    try:
        days = float(str(raw)) if raw not in ("", None) else DEFAULT_DAYS
    except (TypeError, ValueError):
        days = DEFAULT_DAYS
    return days if 0 < days <= 366 else DEFAULT_DAYS


def auto_merge_score() -> float | None:
    """``DANGQUN["TRIAGE_AUTO_MERGE_SCORE"]`` (0..1), or ``None`` when auto-merge is off (the default)."""
    raw = settings.DANGQUN.get("TRIAGE_AUTO_MERGE_SCORE", "")
    try:
        value = float(str(raw)) if raw not in ("", None) else 0.0
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= 1 else None


# --- text ---------------------------------------------------------------------------------------------


def grams(case: Case) -> Counter[str]:
    """Character 1- and 2-grams of the title (twice) and the start of the description."""
    text = f"{case.title} {case.title} {(case.description or '')[:TEXT_CHARS]}".lower()
    counts: Counter[str] = Counter()
    for run in _WORD.findall(text):
        if run.isascii():
            counts[run] += 1
            continue
        counts.update(run)
        counts.update(run[i : i + 2] for i in range(len(run) - 1))
    return counts


def _vectors(docs: Sequence[Counter[str]]) -> list[dict[str, float]]:
    n = len(docs)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    vectors = []
    for doc in docs:
        vec = {g: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[g])) + 1) for g, c in doc.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({g: v / norm for g, v in vec.items()})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(g, 0.0) for g, v in a.items())


# --- place and time -------------------------------------------------------------------------------------


def _metres(a: Case, b: Case) -> float | None:
    if None in (a.lng, a.lat, b.lng, b.lat):
        return None
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)  # type: ignore[arg-type]
    dlat = lat2 - lat1
    dlng = math.radians(b.lng - a.lng)  # type: ignore[operator]
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(h)))


def _segments(path: str) -> list[str]:
    return [p for p in (path or "").split("/") if p]


def place_score(a: Case, b: Case) -> float:
    if a.grid_id and a.grid_id == b.grid_id:
        return 1.0
    score = 0.0
    metres = _metres(a, b)
    if metres is not None and metres < NEAR_METRES:
        score = 1.0 - metres / NEAR_METRES
    sa, sb = _segments(a.region_path), _segments(b.region_path)
    shared = 0
    for x, y in zip(sa, sb, strict=False):
        if x != y:
            break
        shared += 1
    if shared >= 4:
        score = max(score, 0.7)
    elif shared == 3:
        score = max(score, 0.4)
    return score


def _pool_path(case: Case) -> str:
    """The community above the case (or the case's own region when it sits higher)."""
    parts = _segments(case.region_path)
    return "/" + "/".join(parts[:3]) + "/" if parts else "/"


# --- candidates -------------------------------------------------------------------------------------


def candidate_query(cases: Iterable[Case], visible: Q | None = None) -> list[Case]:
    """One query: open cases within the window of any of ``cases`` in their communities."""
    cases = [c for c in cases if c.submitted_at is not None]
    if not cases:
        return []
    days = timedelta(days=window_days())
    start = min(c.submitted_at for c in cases) - days
    end = max(c.submitted_at for c in cases) + days
    where = Q()
    for path in sorted({_pool_path(c) for c in cases}):
        where |= Q(region_path__subtree=path)
    qs = Case.objects.filter(where, status__in=OPEN_STATUSES, submitted_at__gte=start, submitted_at__lte=end)
    if visible is not None:
        qs = qs.filter(visible)
    return list(qs.only(*_FIELDS).order_by("-submitted_at", "-id")[:POOL_LIMIT])


def rank(case: Case, pool: Sequence[Case], limit: int = MAX_SUGGESTIONS) -> list[Duplicate]:
    """``pool``'s cases most likely about the same problem as ``case``, best first."""
    others = [c for c in pool if c.pk != case.pk and c.status in OPEN_STATUSES]
    if not others:
        return []
    docs = [grams(case), *(grams(c) for c in others)]
    if not docs[0]:
        return []
    vectors = _vectors(docs)
    texts = [_cosine(vectors[0], vector) for vector in vectors[1:]]
    return _best(case, zip(others, texts, strict=True), limit)


def _best(case: Case, scored: Iterable[tuple[Case, float]], limit: int) -> list[Duplicate]:
    """The candidates whose text, time and place make them duplicates of ``case``, best first."""
    window = window_days()
    found = []
    for other, text in scored:
        if text < MIN_TEXT:
            continue
        days = abs((case.submitted_at - other.submitted_at).total_seconds()) / 86400
        if days > window:
            continue
        place = place_score(case, other)
        score = 0.65 * text + 0.25 * place + 0.10 * (1 - days / window)
        if score >= MIN_SCORE:
            found.append(Duplicate(other, score, text, place, days))
    found.sort(key=lambda d: (-d.score, d.case.submitted_at, d.case.pk))
    return found[:limit]


def duplicates_of(case: Case, *, visible: Q | None = None, limit: int = MAX_SUGGESTIONS) -> list[Duplicate]:
    """Open cases likely the same as ``case`` (one query), restricted to ``visible`` when given."""
    return rank(case, candidate_query([case], visible), limit)


def duplicates_for(cases: Sequence[Case], *, visible: Q | None = None) -> dict[int, list[Duplicate]]:
    """Suggestions for a page of cases (the triage queue) from one shared candidate query.

    A queued case is usually in the pool itself (open, in its own community and window); its
    document set ([case, *others]) is then the pool, so the pool's TF-IDF vectors serve every such
    case and their text scores come from one sparse product. The others are ranked one by one."""
    pool = candidate_query(cases, visible)
    result: dict[int, list[Duplicate]] = {}
    row_of = {c.pk: i for i, c in enumerate(pool)}
    inside = [c for c in cases if c.pk in row_of]
    if inside:
        vectors = _vectors([grams(c) for c in pool])
        matrix = _sparse(vectors)
        texts = (matrix[[row_of[c.pk] for c in inside]] @ matrix.T).toarray()
        for case, row in zip(inside, texts, strict=True):
            if not vectors[row_of[case.pk]]:
                result[case.pk] = []
                continue
            scored = ((other, float(row[j])) for j, other in enumerate(pool) if other.pk != case.pk)
            result[case.pk] = _best(case, scored, MAX_SUGGESTIONS)
    for case in cases:
        if case.pk not in result:
            result[case.pk] = rank(case, pool)
    return result


def _sparse(vectors: Sequence[dict[str, float]]) -> Any:
    """The vectors as the rows of a CSR matrix over their joint vocabulary."""
    vocabulary: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for vector in vectors:
        for gram, value in vector.items():
            indices.append(vocabulary.setdefault(gram, len(vocabulary)))
            data.append(value)
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(vectors), max(1, len(vocabulary))))


# --- auto-merge (off unless DANGQUN["TRIAGE_AUTO_MERGE_SCORE"] is set) -------------------------------
# Besides the score, a merge the system makes on its own needs the text to agree strongly and the
# place to be the same compound or within a few hundred metres: a wrong merge hides a citizen's report.
AUTO_MIN_TEXT = 0.6
AUTO_MIN_PLACE = 0.7
AUTO_MIN_CHARS = 8  # "啊" twice at one building is not one problem reported twice


def auto_merge_target(case: Case) -> Duplicate | None:
    """The older open case ``case`` would be merged into by the system, or ``None``."""
    threshold = auto_merge_score()
    if threshold is None or case.status not in MERGEABLE:
        return None
    words = _WORD.findall(f"{case.title}{case.description[:TEXT_CHARS]}".lower())
    if sum(len(run) for run in words) < AUTO_MIN_CHARS:
        return None
    for dup in duplicates_of(case, limit=MAX_SUGGESTIONS):
        older = (dup.case.submitted_at, dup.case.pk) < (case.submitted_at, case.pk)
        if (
            older
            and dup.score >= threshold
            and dup.text >= AUTO_MIN_TEXT
            and dup.place >= AUTO_MIN_PLACE
            and dup.case.status not in (CaseStatus.MERGED, CaseStatus.CLOSED, CaseStatus.REJECTED)
        ):
            return dup
    return None
