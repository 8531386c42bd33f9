from django.urls import path

from . import household_views, my_views, visit_views

urlpatterns = [
    path("assistance/households/<int:pk>/", household_views.household, name="household"),
    path("assistance/households/<int:pk>/helper/", household_views.assign, name="household_assign"),
    path("assistance/households/<int:pk>/helper/end/", household_views.end_helper,
         name="household_end_helper"),
    path("assistance/households/<int:pk>/plan/", household_views.create_plan, name="plan_create"),
    path("assistance/households/<int:pk>/measures/", household_views.add_measure, name="measure_add"),
    path("assistance/measures/<int:pk>/", household_views.edit_measure, name="measure_edit"),
    path("assistance/measures/<int:pk>/move/", household_views.move_measure, name="measure_move"),
    path("assistance/households/<int:pk>/visit/schedule/", household_views.schedule_visit,
         name="visit_schedule"),
    path("assistance/households/<int:pk>/visit/", visit_views.visit_new, name="visit_new"),
    path("assistance/visits/<int:pk>/", visit_views.visit, name="visit"),
    path("assistance/visits/<int:pk>/photo.jpg", visit_views.visit_photo, name="visit_photo"),
    path("assistance/my/", my_views.my, name="my"),
]
