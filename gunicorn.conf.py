"""gunicorn settings for production and `make serve`: `gunicorn -c gunicorn.conf.py`.

The environment decides where and how wide: BIND (or HOST and PORT), WEB_CONCURRENCY workers, GUNICORN_THREADS
threads each, GUNICORN_TIMEOUT, FORWARDED_ALLOW_IPS. The app's own settings (DATABASE_URL, SECRET_KEY, REDIS_URL,
ANTQ_*) are read by create_app(); MIGRATION_DATABASE_URL, the owner that migrates, by on_starting(). Logs go to
stdout. The schema is migrated once, in the master, before any worker starts (see workflow/server.py)."""

import os

from workflow import server

chdir = os.path.dirname(os.path.abspath(__file__))
wsgi_app = "app:create_app()"
bind = os.environ.get("BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A decision of 10,000 awardees takes ~3 s to issue, a PDF conversion may take up to 60 s (workflow/documents/pdf.py).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Trust X-Forwarded-Proto only from the reverse proxy in front (gunicorn's default: this machine).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = "-"
errorlog = "-"
logconfig_dict = server.LOGGING
loglevel = server.LEVEL.lower()
# Recent gunicorn opens a control socket, one path per user: two servers on one machine would fight over it.
control_socket_disable = True


def on_starting(arbiter):
    """Migrate before the workers start, as MIGRATION_DATABASE_URL's role (the owner) when set, granting
    DATABASE_URL's role what the application does: under a PostgreSQL advisory lock, so two servers starting
    together on one database do it once."""
    from app import create_app

    server.migrate_for(create_app().config["SQLALCHEMY_DATABASE_URI"], os.environ.get("MIGRATION_DATABASE_URL"))
    arbiter.log.info("Cơ sở dữ liệu đã ở phiên bản mới nhất.")


def post_worker_init(worker):
    """Each worker compiles the shipped Word templates before it takes requests (see documents.warm_up)."""
    from workflow import documents

    documents.warm_up()
