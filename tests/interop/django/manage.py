#!/usr/bin/env python3
"""Reference Django + simplejwt 5.2.2 project for the interop tests.

Run it with /usr/bin/python3 (the Debian interpreter that sees python3-django and
python3-djangorestframework-simplejwt). Everything is configured from the environment:
see interop_site/settings.py.
"""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interop_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
