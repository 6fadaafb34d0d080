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
# A worker is replaced after this many requests, against slow leaks. At 5,000 a busy worker
# (thousands of stream grants a second) restarted every few seconds, and each restart showed
# as a slow request in the benchmarks; a million takes minutes even at full load.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1_000_000))
max_requests_jitter = max_requests // 10
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No runtime control socket: nothing here uses it, and every instance on a machine would share its default path.
control_socket_disable = True
