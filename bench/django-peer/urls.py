from django.urls import path

from views import OpportunityDetail, OpportunityList

urlpatterns = [
    path("api/v1/opportunities", OpportunityList.as_view()),
    path("api/v1/opportunities/<uuid:pk>", OpportunityDetail.as_view()),
]
