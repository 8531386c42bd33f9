from django.urls import path

from . import team_views

urlpatterns = [
    path("assistance/teams/", team_views.teams, name="teams"),
    path("assistance/teams/new/", team_views.team_new, name="team_new"),
    path("assistance/teams/<int:pk>/", team_views.team, name="team"),
    path("assistance/teams/<int:pk>/members/", team_views.team_add_member, name="team_add_member"),
    path("assistance/teams/<int:pk>/members/end/", team_views.team_end_member, name="team_end_member"),
    path("assistance/teams/<int:pk>/withdraw/", team_views.team_withdraw, name="team_withdraw"),
]
