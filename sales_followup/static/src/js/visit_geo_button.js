import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

const METHODS = {
    check_in: "action_check_in",
    check_out: "action_check_out",
};

/**
 * Check-in / check-out button of a visit plan (拜访签到 / 签退).
 *
 * Asks the browser for the position (the browser asks the user's consent),
 * then calls action_check_in / action_check_out with latitude, longitude and
 * accuracy through the ORM. Without consent or position the visit is still
 * checked in, without coordinates.
 */
export class VisitGeoButton extends Component {
    static template = "sales_followup.VisitGeoButton";
    static props = {
        ...standardWidgetProps,
        action: { type: String },
    };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState({ busy: false });
    }

    get label() {
        return this.props.action === "check_out" ? _t("Check Out") : _t("Check In");
    }

    get icon() {
        return this.props.action === "check_out" ? "fa-sign-out" : "fa-map-marker";
    }

    getPosition() {
        return new Promise((resolve) => {
            if (!navigator.geolocation) {
                resolve(null);
                return;
            }
            navigator.geolocation.getCurrentPosition(
                (position) => resolve(position),
                () => resolve(null),
                { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 }
            );
        });
    }

    async onClick() {
        const record = this.props.record;
        this.state.busy = true;
        try {
            if (!(await record.save())) {
                return;
            }
            const position = await this.getPosition();
            const kwargs = {};
            if (position) {
                kwargs.latitude = position.coords.latitude;
                kwargs.longitude = position.coords.longitude;
                kwargs.accuracy = position.coords.accuracy;
            } else {
                this.notification.add(
                    _t("The position is not available: saved without coordinates."),
                    { type: "warning" }
                );
            }
            await this.orm.call(
                record.resModel,
                METHODS[this.props.action],
                [[record.resId]],
                kwargs
            );
            await record.load();
        } finally {
            this.state.busy = false;
        }
    }
}

export const visitGeoButton = {
    component: VisitGeoButton,
    extractProps: ({ attrs }) => ({ action: attrs.action || "check_in" }),
};

registry.category("view_widgets").add("sf_visit_geo_button", visitGeoButton);
