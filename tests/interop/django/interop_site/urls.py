"""The endpoints the interop tests drive: login, refresh and a profile that shows what
Django's own JWTAuthentication thinks of any Authorization header."""
from django.urls import path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts.serializers import InteropTokenObtainPairSerializer
from accounts.views import ProfileView

urlpatterns = [
    path("api/auth/login/", TokenObtainPairView.as_view(serializer_class=InteropTokenObtainPairSerializer)),
    path("api/auth/refresh/", TokenRefreshView.as_view()),
    path("api/auth/profile/", ProfileView.as_view()),
]
