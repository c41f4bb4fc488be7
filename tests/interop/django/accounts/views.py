"""GET /api/auth/profile/: Django's own verdict on a token. 200 with the user when
JWTAuthentication accepts it, otherwise DRF's 401 body and WWW-Authenticate header."""
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


class ProfileView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        user = request.user
        return Response({"id": str(user.id), "email": user.email, "role": user.role})
