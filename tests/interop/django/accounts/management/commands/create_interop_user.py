"""create_interop_user --email E --password P [--role R]: prints {"id": "<uuid>"}."""
import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a user for the interop tests and print its id as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", default="user")

    def handle(self, *args, **options):
        user = get_user_model().objects.create_user(
            email=options["email"], password=options["password"], role=options["role"]
        )
        self.stdout.write(json.dumps({"id": str(user.id)}))
