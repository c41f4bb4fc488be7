"""GET /api/auth/profile/: Django's own verdict on a token. 200 with the user when
JWTAuthentication accepts it, otherwise DRF's 401 body and WWW-Authenticate header.

GET /api/auth/token-check/: the same verdict without the user lookup (simplejwt's
JWTStatelessUserAuthentication), i.e. what simplejwt thinks of the token alone. The Node
service has no user table and trusts a valid token's user_id, so this is the verdict it
must be compared with; the profile verdict additionally refuses unknown users."""
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.settings import api_settings


class ProfileView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        user = request.user
        return Response({"id": str(user.id), "email": user.email, "role": user.role})


class TokenCheckView(APIView):
    authentication_classes = [JWTStatelessUserAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        # request.auth is the validated AccessToken; user_id is echoed as sent (any JSON type).
        return Response({"user_id": request.auth.payload.get(api_settings.USER_ID_CLAIM)})
