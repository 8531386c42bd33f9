from django.urls import path

from . import board_views, catalogue_views, helper_views

urlpatterns = [
    path("assistance/board/", board_views.board, name="board"),
    path("assistance/board/export.csv", board_views.board_export, name="board_export"),
    path("assistance/helpers/", helper_views.helper_list, name="helpers"),
    path("assistance/helpers/new/", helper_views.helper_new, name="helper_new"),
    path("assistance/helpers/<int:pk>/", helper_views.helper_detail, name="helper"),
    path("assistance/helpers/<int:pk>/deactivate/", helper_views.helper_deactivate, name="helper_deactivate"),
    path("assistance/measures/", catalogue_views.catalogue, name="catalogue"),
    path("assistance/measures/rules/new/", catalogue_views.rule_new, name="rule_new"),
    path("assistance/measures/rules/<int:pk>/", catalogue_views.rule_edit, name="rule_edit"),
    path("assistance/measures/<slug:code>/", catalogue_views.measure_edit, name="measure_edit"),
]
