#!/bin/sh
# Migrates the issuer's SQLite database, makes sure the demo user exists, then serves on :8000.
set -eu
cd /app
/usr/bin/python3 manage.py migrate --noinput >/dev/null
if [ -n "${DEMO_EMAIL:-}" ]; then
  /usr/bin/python3 manage.py shell -c '
import os
from django.contrib.auth import get_user_model
users = get_user_model().objects
if not users.filter(email=os.environ["DEMO_EMAIL"]).exists():
    users.create_user(email=os.environ["DEMO_EMAIL"], password=os.environ["DEMO_PASSWORD"], role=os.environ.get("DEMO_ROLE", "user"))
    print("created the demo user " + os.environ["DEMO_EMAIL"])
'
fi
echo "Django + simplejwt issuer on :8000 (access tokens live ${JWT_ACCESS_LIFETIME_SECONDS:-300} s)"
exec /usr/bin/python3 manage.py runserver 0.0.0.0:8000 --noreload
