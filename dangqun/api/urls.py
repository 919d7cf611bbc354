"""The JSON API at /api/v1/ (django-ninja). Routers live beside this file, one per domain.

Authentication: the Django session (log in with POST /api/v1/auth/login); unsafe methods need the
CSRF token (``X-CSRFToken``), which /auth/login and /auth/me return. Machines send
``Authorization: Bearer <token>`` (``accounts.ApiToken``) and skip CSRF.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

from dangqun.api import auth, cases, notify, orgs, regions, registry
from dangqun.api.errors import install_error_handlers

api = NinjaAPI(
    title="党群一张网 API",
    version="1",
    description="党建引领基层社会治理智慧平台 JSON API",
    urls_namespace="api-v1",
    auth=[auth.bearer, django_auth],
)
install_error_handlers(api)
api.add_router("/auth", auth.router)
api.add_router("/", regions.router)
api.add_router("/", orgs.router)
api.add_router("/", registry.router)
api.add_router("/", notify.router)
api.add_router("/", cases.router)
api.add_router("/", "dangqun.api.kpis.router")
api.add_router("/", "dangqun.api.triage.router")
api.add_router("/", "dangqun.api.exchange.router")
api.add_router("/", "dangqun.api.party.router")
api.add_router("/", "dangqun.api.community.router")
api.add_router("/", "dangqun.api.community_cobuild.router")
api.add_router("/", "dangqun.api.community_services.router")
api.add_router("/", "dangqun.api.community_secretary.router")
api.add_router("/", "dangqun.api.gridwork.router")
api.add_router("/", "dangqun.api.gridwork_diaries.router")
api.add_router("/", "dangqun.api.gridwork_meetings.router")
api.add_router("/", "dangqun.api.gridwork_workers.router")
api.add_router("/", "dangqun.api.gridwork_ratings.router")
api.add_router("/", "dangqun.api.gridwork_campaigns.router")
api.add_router("/", "dangqun.api.partywork.router")
api.add_router("/", "dangqun.api.partywork_pairings.router")
api.add_router("/", "dangqun.api.partywork_callouts.router")
api.add_router("/", "dangqun.api.party_study.router")
api.add_router("/", "dangqun.api.party_training.router")
api.add_router("/", "dangqun.api.volunteers.router")
api.add_router("/", "dangqun.api.volunteers_activities.router")
api.add_router("/", "dangqun.api.civic.router")
api.add_router("/", "dangqun.api.civic_guides.router")
api.add_router("/", "dangqun.api.civic_notices.router")
api.add_router("/", "dangqun.api.civic_proposals.router")
api.add_router("/", "dangqun.api.civic_voice.router")
