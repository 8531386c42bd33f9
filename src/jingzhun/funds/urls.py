from . import urls_ledger, urls_mutual, urls_reports, urls_supervision

app_name = "funds"
urlpatterns = (urls_ledger.urlpatterns + urls_supervision.urlpatterns + urls_mutual.urlpatterns
               + urls_reports.urlpatterns)
