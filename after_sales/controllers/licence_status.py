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

    def _error(self, status, message):
        return request.make_json_response({"error": message}, status=status)

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
            return self._error(413, "request body too large")
        body = request.httprequest.get_data(cache=False)
        if len(body) > MAX_BODY:
            return self._error(413, "request body too large")
        try:
            data = json.loads(body or b"")
        except (ValueError, UnicodeDecodeError):
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
