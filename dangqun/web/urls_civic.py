"""惠民服务 (``dangqun.civic``): this domain's pages, in ``web.urls``."""

from django.urls import URLPattern, path

from dangqun.web.views import civic_guides, civic_notices, civic_policies, civic_proposals, civic_voice

urlpatterns: list[URLPattern] = [
    path("civic/policies/", civic_policies.policies, name="civic_policies"),
    path("civic/policies/new/", civic_policies.create_policy, name="civic_create_policy"),
    path("civic/policies/<int:policy_id>/", civic_policies.policy_page, name="civic_policy"),
    path(
        "civic/policies/<int:policy_id>/<str:action>/", civic_policies.move_policy, name="civic_move_policy"
    ),
    path("civic/my/", civic_policies.my_policy_list, name="civic_my_policies"),
    path("civic/my/<int:policy_id>/", civic_policies.my_policy, name="civic_my_policy"),
    # 办事指南: the public catalogue and item pages (no login), online applications, the unit's workbench
    path("civic/services/", civic_guides.catalogue, name="civic_services"),
    path("civic/services/<str:code>/", civic_guides.service, name="civic_service"),
    path("civic/services/<str:code>/materials/", civic_guides.materials, name="civic_service_materials"),
    path("civic/services/<str:code>/qr.svg", civic_guides.qr_svg, name="civic_service_qr"),
    path("civic/services/<str:code>/apply/", civic_guides.apply, name="civic_service_apply"),
    path("civic/applications/", civic_guides.my_applications, name="civic_my_applications"),
    path("civic/applications/<int:application_id>/", civic_guides.application_page, name="civic_application"),
    path(
        "civic/applications/<int:application_id>/<str:action>/",
        civic_guides.move_application,
        name="civic_move_application",
    ),
    path("civic/service-desk/", civic_guides.workbench, name="civic_service_desk"),
    # 居务公开栏: the public boards (no login) and the staff's notices of their boards
    path("civic/board/", civic_notices.boards, name="civic_boards"),
    path("civic/board/<str:code>/", civic_notices.board, name="civic_board"),
    path("civic/board/notice/<int:notice_id>/", civic_notices.public_notice, name="civic_public_notice"),
    path("civic/notices/", civic_notices.desk, name="civic_notices"),
    path("civic/notices/<int:notice_id>/", civic_notices.edit, name="civic_notice_edit"),
    path("civic/notices/<int:notice_id>/<str:action>/", civic_notices.move, name="civic_move_notice"),
    # 民事民议: public proposals (no login to read), household votes and comments, the staff's moves
    path("civic/proposals/", civic_proposals.proposals, name="civic_proposals"),
    path("civic/proposals/new/", civic_proposals.raise_proposal, name="civic_raise_proposal"),
    path("civic/proposals/<int:proposal_id>/", civic_proposals.proposal_page, name="civic_proposal"),
    path("civic/proposals/<int:proposal_id>/vote/", civic_proposals.vote, name="civic_vote"),
    path("civic/proposals/<int:proposal_id>/comment/", civic_proposals.comment, name="civic_comment"),
    path(
        "civic/proposals/<int:proposal_id>/comments/<int:comment_id>/hide/",
        civic_proposals.hide_comment,
        name="civic_hide_comment",
    ),
    path("civic/proposals/<int:proposal_id>/<str:action>/", civic_proposals.move, name="civic_move_proposal"),
    path("civic/deliberation/", civic_proposals.workbench, name="civic_deliberation"),
    # 党的声音: the reader's feed and reading page, the publisher's desk with read receipts
    path("voice/", civic_voice.feed, name="voice_feed"),
    path("voice/<int:item_id>/", civic_voice.read, name="voice_read"),
    path("voice/desk/", civic_voice.desk, name="voice_desk"),
    path("voice/desk/<int:item_id>/", civic_voice.edit, name="voice_edit"),
    path("voice/desk/<int:item_id>/<str:action>/", civic_voice.move, name="voice_move"),
]
