"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py "sgoodie:create_app()"`.

Values come from the same settings as the app (`sgoodie.config`, the README's configuration
table): SGOODIE_BIND, WEB_CONCURRENCY, SGOODIE_THREADS, SGOODIE_TRUSTED_PROXIES,
SGOODIE_ACCESS_LOG, SGOODIE_LOG_LEVEL. GUNICORN_CMD_ARGS still overrides anything.
"""

import atexit
import multiprocessing
import os
import sys

from sgoodie.config import load

settings = load()

bind = settings["BIND"]
# Requests are short (cache hits, a few store calls; uploads go straight to storage), so
# (2 x cores) + 1 processes with one thread each. gthread keeps client connections alive between
# requests; more threads per process only add GIL contention (bench/http.py: p99 20 ms with 1
# thread, 64 ms with 4, same throughput). Slow clients are absorbed by the load balancer.
workers = settings["WEB_CONCURRENCY"] or multiprocessing.cpu_count() * 2 + 1
threads = settings["THREADS"] or 1
worker_class = "gthread"
timeout = 30  # a request never needs longer: uploads go straight to storage, image work to workers
graceful_timeout = 20
keepalive = 75  # longer than the load balancer's idle timeout (60 s), so the balancer closes first
max_requests = 5000
max_requests_jitter = 500  # recycle workers now and then, staggered
preload_app = True  # import once, fork many: faster start, shared memory pages

# Only the proxy in front may set X-Forwarded-*: gunicorn and the app (middleware.TrustedProxies,
# SGOODIE_PROXY_HOPS of them) read the same list. Everyone else's are ignored.
forwarded_allow_ips = settings["TRUSTED_PROXIES"]
# ...but never SCRIPT_NAME or PATH_INFO from a header (gunicorn's default forwarder_headers maps
# them into the WSGI environ for those proxies): one request could move every link of a page
# that the page cache then serves to everyone. A mount point, if ever needed, is the SCRIPT_NAME
# environment variable of this process. Other headers with underscores are dropped.
forwarder_headers = ""
header_map = "drop"

accesslog = settings["ACCESS_LOG"]
# The response's X-Request-ID: the same id as the app's log lines for that request.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'
errorlog = "-"
loglevel = settings["LOG_LEVEL"]


def post_worker_init(worker):
    """Each worker runs its own in-process runner (SGOODIE_JOBS=thread; with sqlite or celery a
    separate process runs the jobs and workers none): the one the app factory started in the
    master did not survive the fork. Scheduled changes are saved with a version check, so two
    runners never publish twice."""
    from sgoodie import start_runner

    if "sgoodie" in getattr(worker.wsgi, "extensions", {}):  # not another app (bench/http.py's bare one)
        start_runner(worker.wsgi)


def worker_exit(server, worker):
    """A worker that ends normally (recycled after max_requests, or stopped) skips the
    interpreter's teardown of its heap. That teardown touches every object inherited from the
    master, so the kernel first copies those pages: about 150 ms in which the worker's queued
    connections wait (bench/http.py), against 5 ms for a bare Flask app. Exit handlers (log
    flushing, Sentry's) still run; a failed worker exits the usual way, keeping its exit status."""
    ending = sys.exc_info()[1]
    if isinstance(ending, SystemExit) and ending.code in (0, None):
        atexit._run_exitfuncs()  # what a normal exit runs, minus the teardown
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
