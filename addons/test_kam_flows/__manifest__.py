{
    "name": "Key Account Flows (browser tests)",
    "summary": "Browser tests (tours) of the main key-account flows in the Chinese "
    "interface: pool claim, visit check-in on a phone, phone ticket and revisit, "
    "licence issue and portal download",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "license": "AGPL-3",
    "author": "KAM Team",
    "website": "https://github.com/kam-team/key-account",
    # kam_zh_cn: the flows run in Chinese, the helpdesk menus too
    "depends": ["key_account", "sales_followup", "after_sales", "kam_zh_cn"],
    "assets": {
        "web.assets_tests": [
            "test_kam_flows/static/tests/tours/*.js",
        ],
    },
}
