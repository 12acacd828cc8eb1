{
    "name": "Key Account Trust Tests",
    "summary": "Access matrix, concurrency and hostile-input tests of the "
    "key-account addons",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "license": "AGPL-3",
    "author": "KAM Team",
    "website": "https://github.com/kam-team/key-account",
    "depends": ["key_account", "sales_followup", "after_sales", "key_account_approval"],
    # read by the tests, not loaded as Odoo data
    "oca_data_manual": ["data/access_matrix.csv", "data/rpc_surface.csv"],
}
