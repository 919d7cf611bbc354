from django.urls import path

from dangqun.web.views import auth, home

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.logout_view, name="logout"),
]
