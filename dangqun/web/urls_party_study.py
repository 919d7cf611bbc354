"""党员教育 (study library and training records, ``dangqun.party``): this domain's pages, in ``web.urls``."""

from django.urls import URLPattern, path

from dangqun.web.views import party_study as member
from dangqun.web.views import party_study_desk as desk
from dangqun.web.views import party_training as training

urlpatterns: list[URLPattern] = [
    path("citizen/study/", member.study_list, name="study_me"),
    path("citizen/study/<int:course_id>/", member.study_read, name="study_read"),
    path("citizen/study/<int:course_id>/open/", member.study_open, name="study_open"),
    path("citizen/study/<int:course_id>/finish/", member.study_finish, name="study_finish"),
    path("citizen/study/<int:course_id>/quiz/", member.study_quiz, name="study_quiz"),
    path("party/study/", desk.desk, name="study_desk"),
    path("party/study/courses/", desk.new_course, name="study_new_course"),
    path("party/study/courses/<int:course_id>/", desk.course_page, name="study_course"),
    path("party/study/courses/<int:course_id>/questions/", desk.add_question, name="study_add_question"),
    path("party/study/courses/<int:course_id>/<str:action>/", desk.move_course, name="study_course_move"),
    path("party/study/orgs/<str:code>/", desk.branch_page, name="study_branch"),
    path("party/training/", training.desk, name="training_desk"),
    path("party/training/new/", training.new_training, name="training_new"),
    path("party/training/<int:training_id>/", training.training_page, name="training_page"),
    path("party/training/<int:training_id>/sessions/", training.new_session, name="training_new_session"),
    path("party/training/sessions/<int:session_id>/", training.session_page, name="training_session"),
    path(
        "party/training/sessions/<int:session_id>/attendance/",
        training.record_attendance,
        name="training_attendance",
    ),
]
