"""API Gateway authorizer (HTTP API, simple responses): a request passes when its X-Origin-Verify
header is the secret CloudFront adds to every request it sends to this origin. API Gateway
refuses requests without the header before calling this, and caches each answer for an hour."""

import hmac
import os

SECRET = os.environ["ORIGIN_VERIFY"].encode()


def handler(event, context):
    sent = (event.get("headers") or {}).get("x-origin-verify", "")  # payload 2.0: lower-case names
    return {"isAuthorized": bool(SECRET) and hmac.compare_digest(sent.encode(), SECRET)}
