"""Signs the LINE webhook requests Schemathesis sends, as LINE signs them.

LINE puts base64(HMAC-SHA256(channel secret, raw body)) in `x-line-signature`. Schemathesis draws a
body and a signature header from the OpenAPI document; this hook serialises the body once, signs those
exact bytes with the secret in KIZUNA_LINE_CHANNEL_SECRET and sends them. A request whose drawn
signature is malformed or missing (a negative case about the header) goes unsigned, as drawn.
"""

import base64
import hashlib
import hmac
import json
import os
import re

import schemathesis
from schemathesis.core import NotSet

SECRET = os.environ["KIZUNA_LINE_CHANNEL_SECRET"].encode()
WELL_FORMED = re.compile(r"^[A-Za-z0-9+/]{43}=$")


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.path != "/webhooks/line" or case.method.upper() != "POST":
        return
    headers = case.headers if case.headers is not None else {}
    drawn = headers.get("x-line-signature")
    if not isinstance(drawn, str) or not WELL_FORMED.match(drawn):
        return
    raw = b"" if isinstance(case.body, NotSet) else json.dumps(case.body, allow_nan=False).encode()
    headers["x-line-signature"] = base64.b64encode(hmac.new(SECRET, raw, hashlib.sha256).digest()).decode()
    if raw:
        headers["Content-Type"] = "application/json"
    case.headers = headers
    kwargs["data"] = raw
