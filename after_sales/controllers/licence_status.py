import json

from odoo import fields
from odoo.http import Controller, request, route

MAX_BODY = 4096


class LicenceStatus(Controller):
    """What the customer's software asks about its key: state and expiry.

    POST /after_sales/licence/status with ``{"key": "XXXX-XXXX-..."}``; the
    answer is ``{"status": "active", "expiry": "2027-01-31", ...}`` or
    ``{"status": "unknown"}`` for any key that is not on record. Each remote
    address may ask ``after_sales.licence_rate_limit`` times per minute (30).
    """

    def _error(self, status, message, headers=None):
        return request.make_json_response(
            {"error": message}, status=status, headers=headers
        )

    def _too_large(self):
        # the rest of the body is left unread: the connection cannot serve
        # another request
        return self._error(
            413, "request body too large", headers=[("Connection", "close")]
        )

    @staticmethod
    def _input_stream():
        """The request body as werkzeug reads it: limited to Content-Length
        when there is one, else the dechunked input (Odoo's request wrapper
        does not expose it)."""
        return request.httprequest._HTTPRequest__wrapped.stream

    @staticmethod
    def _read_body(stream, limit):
        """Up to ``limit`` bytes of ``stream``, never more, whatever the
        body's length (a chunked body has none)."""
        parts, size = [], 0
        while size < limit:
            part = stream.read(limit - size)
            if not part:
                break
            parts.append(part)
            size += len(part)
        return b"".join(parts)

    @route(
        "/after_sales/licence/status",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def licence_status(self, **kw):
        env = request.env(su=True)
        if not env["after_sales.licence.rate"]._hit(request.httprequest.remote_addr):
            return self._error(429, "too many requests, try again in a minute")
        # refuse a declared oversize body before reading it
        length = request.httprequest.content_length
        if length is not None and length > MAX_BODY:
            return self._too_large()
        # a chunked body has no length: read at most one byte past the limit
        body = self._read_body(self._input_stream(), MAX_BODY + 1)
        if len(body) > MAX_BODY:
            return self._too_large()
        try:
            data = json.loads(body or b"")
        # RecursionError: a deeply nested body within the size limit
        except (ValueError, UnicodeDecodeError, RecursionError):
            return self._error(400, 'the body must be JSON: {"key": "..."}')
        if not isinstance(data, dict) or not isinstance(data.get("key"), str):
            return self._error(400, 'the body must be a JSON object {"key": "..."}')
        key = data["key"]
        if not key.strip() or len(key) > 100:
            return self._error(400, "the key must be a non-empty string")
        authorization = env["after_sales.authorization"]._find_by_key(key)
        if not authorization:
            return request.make_json_response({"status": "unknown"})
        return request.make_json_response(
            {
                "status": authorization.state,
                "expiry": authorization.date_end
                and fields.Date.to_string(authorization.date_end)
                or None,
                "seats": authorization.seats,
                "replaced": bool(authorization.replaced_by_id),
            }
        )
