from django.urls import path

from . import household_views

urlpatterns = [
    path("assistance/households/<int:pk>/", household_views.household, name="household"),
]
