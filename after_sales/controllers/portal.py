from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request, route

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class AfterSalesPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "authorization_count" in counters:
            Authorization = request.env["after_sales.authorization"]
            values["authorization_count"] = (
                Authorization.search_count([])
                if Authorization.has_access("read")
                else 0
            )
        return values

    def _as_authorization_or_404(self, authorization_id, access_token=None):
        try:
            return self._document_check_access(
                "after_sales.authorization", authorization_id, access_token
            )
        except (AccessError, MissingError):
            return None

    @route(
        ["/my/authorizations", "/my/authorizations/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_authorizations(self, page=1, **kw):
        Authorization = request.env["after_sales.authorization"]
        if not Authorization.has_access("read"):
            return request.redirect("/my")
        count = Authorization.search_count([])
        pager = portal_pager(
            url="/my/authorizations", total=count, page=page, step=self._items_per_page
        )
        authorizations = Authorization.search(
            [], limit=self._items_per_page, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "authorizations": authorizations.sudo(),
                "page_name": "authorization",
                "pager": pager,
                "default_url": "/my/authorizations",
            }
        )
        return request.render("after_sales.portal_my_authorizations", values)

    @route(
        "/my/authorizations/<int:authorization_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_authorization(self, authorization_id, access_token=None, **kw):
        authorization = self._as_authorization_or_404(authorization_id, access_token)
        if authorization is None:
            raise request.not_found()
        values = self._get_page_view_values(
            authorization,
            access_token,
            {
                "authorization": authorization,
                "page_name": "authorization",
                "public_key": authorization.company_id._as_licence_public_key(),
            },
            "my_authorizations_history",
            False,
            **kw,
        )
        return request.render("after_sales.portal_my_authorization", values)

    @route(
        "/my/authorizations/<int:authorization_id>/licence",
        type="http",
        auth="public",
    )
    def portal_my_authorization_licence(
        self, authorization_id, access_token=None, **kw
    ):
        authorization = self._as_authorization_or_404(authorization_id, access_token)
        # a suspended key gets no fresh licence file: the file itself carries
        # no state, the customer's software would accept it offline
        if authorization is None or authorization.state in ("revoked", "suspended"):
            raise request.not_found()
        content = authorization._licence_file().encode("utf-8")
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Length", str(len(content))),
                (
                    "Content-Disposition",
                    content_disposition(authorization._licence_filename()),
                ),
                ("Cache-Control", "no-store"),
            ],
        )
