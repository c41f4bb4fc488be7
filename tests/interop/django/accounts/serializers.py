"""Login serializer: like the real Django side, put `email` and `role` into the tokens.
The claims go into the refresh token and simplejwt copies them into the access token."""
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer


class InteropTokenObtainPairSerializer(TokenObtainPairSerializer):
    @classmethod
    def get_token(cls, user):
        token = super().get_token(user)
        token["email"] = user.email
        token["role"] = user.role
        return token
