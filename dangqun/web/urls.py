from django.urls import path

from dangqun.web.views import auth, citizen, home, regions

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("find-grid/", citizen.find_grid, name="find_grid"),
    path("regions/<str:code>/", regions.region_detail, name="region"),
    path("buildings/<int:building_id>/", regions.building_detail, name="building"),
]
