from . import urls_households, urls_overview, urls_pairing, urls_teams

app_name = "assistance"
urlpatterns = (urls_households.urlpatterns + urls_overview.urlpatterns + urls_teams.urlpatterns
               + urls_pairing.urlpatterns)
