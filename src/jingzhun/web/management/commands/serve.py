from django.core.management.base import BaseCommand
from waitress import serve

from jingzhun.wsgi import application


class Command(BaseCommand):
    help = "Serve Jingzhun with waitress on 127.0.0.1 (production WSGI server, static files included)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        self.stdout.write(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
        serve(application, host=host, port=port, threads=threads)
