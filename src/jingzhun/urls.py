from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("jingzhun.web.urls")),
    path("areas/", include("jingzhun.areas.urls")),
    path("", include("jingzhun.registry.urls")),
    path("policy/", include("jingzhun.policy.urls")),
    path("", include("jingzhun.identification.urls")),
    path("", include("jingzhun.assistance.urls")),
    path("funds/", include("jingzhun.funds.urls")),
    path("analytics/", include("jingzhun.analytics.urls")),
]
