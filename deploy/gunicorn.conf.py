"""gunicorn settings for the web process; every value can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
timeout = 30
graceful_timeout = 30
# Longer than the idle timeout of whatever keeps connections open to it (a load balancer's is
# 60 s): the client side must be the one to close an idle connection. Closed here first, a request
# the client sent on it at that moment meets a reset (at 500 listeners, several a minute).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 75))
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No runtime control socket: nothing here uses it, and every instance on a machine would share its default path.
control_socket_disable = True
