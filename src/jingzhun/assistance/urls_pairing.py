from django.urls import path

from . import pairing_views as views

urlpatterns = [
    path("pairing/", views.pairing_list, name="pairings"),
    path("pairing/partners/new/", views.partner_new, name="partner_new"),
    path("pairing/partners/<int:pk>/", views.partner_detail, name="partner"),
    path("pairing/partners/<int:pk>/pairings/new/", views.pairing_new, name="pairing_new"),
    path("pairing/<int:pk>/", views.pairing_detail, name="pairing"),
    path("pairing/<int:pk>/export.csv", views.pairing_export, name="pairing_export"),
    path("pairing/<int:pk>/counties/<str:code>/", views.pairing_county, name="pairing_county"),
    path("pairing/<int:pk>/commitments/", views.commitment_new, name="pairing_commitment"),
    path("pairing/<int:pk>/deliveries/", views.delivery_new, name="pairing_delivery"),
    path("pairing/deliveries/<int:pk>/confirm/", views.delivery_confirm, name="delivery_confirm"),
    path("pairing/deliveries/<int:pk>/withdraw/", views.delivery_withdraw, name="delivery_withdraw"),
]
