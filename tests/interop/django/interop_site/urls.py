"""The endpoints the interop tests drive: login, refresh, a profile that shows what
Django's own JWTAuthentication thinks of any Authorization header, and a token check that
shows the same without the user lookup."""
from django.urls import path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts.serializers import InteropTokenObtainPairSerializer
from accounts.views import ProfileView, TokenCheckView

urlpatterns = [
    path("api/auth/login/", TokenObtainPairView.as_view(serializer_class=InteropTokenObtainPairSerializer)),
    path("api/auth/refresh/", TokenRefreshView.as_view()),
    path("api/auth/profile/", ProfileView.as_view()),
    # The seed backend's path for the same profile (the compose stack's issuer serves both).
    path("api/users/profile/", ProfileView.as_view()),
    path("api/auth/token-check/", TokenCheckView.as_view()),
]
