"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py "sgoodie:create_app()"`.

Every value can be overridden with the usual GUNICORN_CMD_ARGS or the variables below.
"""

import multiprocessing
import os

bind = os.environ.get("SGOODIE_BIND", "0.0.0.0:8000")
# Requests are short (cache hits, a few store calls; uploads go straight to storage), so
# (2 x cores) + 1 processes with one thread each. gthread keeps client connections alive between
# requests; more threads per process only add GIL contention (bench/http.py: p99 20 ms with 1
# thread, 64 ms with 4, same throughput). Slow clients are absorbed by the load balancer.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("SGOODIE_THREADS", "1"))
worker_class = "gthread"
timeout = 30  # a request never needs longer: uploads go straight to storage, image work to workers
graceful_timeout = 20
keepalive = 5  # the load balancer keeps connections open longer than this, so it closes first
max_requests = 5000
max_requests_jitter = 500  # recycle workers now and then, staggered
preload_app = True  # import once, fork many: faster start, shared memory pages

# Only the load balancer / CloudFront in front of us may set X-Forwarded-* (ProxyFix trusts
# SGOODIE_PROXY_HOPS of them); everyone else's are ignored.
forwarded_allow_ips = os.environ.get("SGOODIE_TRUSTED_PROXIES", "127.0.0.1")

accesslog = os.environ.get("SGOODIE_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" request_id=%({x-request-id}i)s'
errorlog = "-"
loglevel = os.environ.get("SGOODIE_LOG_LEVEL", "info")
