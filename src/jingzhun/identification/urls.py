from . import urls_area, urls_cases, urls_monitoring

app_name = "identification"
urlpatterns = urls_cases.urlpatterns + urls_area.urlpatterns + urls_monitoring.urlpatterns
