"""Repository-level checks that need no database."""

import ast
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the product's addons and the supporting ones under addons/
ADDONS = (
    "key_account",
    "sales_followup",
    "after_sales",
    "key_account_approval",
) + tuple(
    os.path.join("addons", name)
    for name in sorted(os.listdir(os.path.join(ROOT, "addons")))
    if os.path.exists(os.path.join(ROOT, "addons", name, "__manifest__.py"))
)


def test_manifests_follow_the_house_rules():
    for addon in ADDONS:
        with open(os.path.join(ROOT, addon, "__manifest__.py"), encoding="utf-8") as f:
            manifest = ast.literal_eval(f.read())
        assert manifest["version"].startswith("18.0."), addon
        assert len(manifest["version"].split(".")) == 5, addon
        for key in ("name", "summary", "category", "license", "author", "depends"):
            assert manifest.get(key), (addon, key)
        for path in manifest.get("data", []) + manifest.get("demo", []):
            assert os.path.exists(os.path.join(ROOT, addon, path)), (addon, path)
        name = os.path.basename(addon)
        assert os.path.exists(os.path.join(ROOT, addon, "i18n", "zh_CN.po")), addon
        assert os.path.exists(os.path.join(ROOT, addon, "i18n", f"{name}.pot")), addon


def test_every_model_has_access_rights():
    """Each new model (_name) of an addon has a line in its ir.model.access.csv."""
    for addon in ADDONS:
        models_dir = os.path.join(ROOT, addon, "models")
        names = set()
        if not os.path.isdir(models_dir):
            continue
        for fname in os.listdir(models_dir):
            if not fname.endswith(".py"):
                continue
            with open(os.path.join(models_dir, fname), encoding="utf-8") as f:
                tree = ast.parse(f.read())
            for node in ast.walk(tree):
                bases = {
                    getattr(b, "attr", getattr(b, "id", ""))
                    for b in getattr(node, "bases", [])
                }
                if isinstance(node, ast.ClassDef) and not bases & {
                    "AbstractModel",
                    "TransientModel",
                }:
                    attrs = {
                        t.id: v.value
                        for stmt in node.body
                        if isinstance(stmt, ast.Assign)
                        for t in stmt.targets
                        if isinstance(t, ast.Name)
                        and isinstance(v := stmt.value, ast.Constant)
                    }
                    # _name listed in _inherit: an extension with mixins
                    # (_name = "sale.order"; _inherit = ["sale.order", "x.mixin"])
                    inherited = {
                        elt.value
                        for stmt in node.body
                        if isinstance(stmt, ast.Assign)
                        and any(
                            isinstance(t, ast.Name) and t.id == "_inherit"
                            for t in stmt.targets
                        )
                        and isinstance(stmt.value, ast.List)
                        for elt in stmt.value.elts
                        if isinstance(elt, ast.Constant)
                    }
                    if (
                        "_name" in attrs
                        and attrs["_name"] not in inherited
                        and attrs.get("_transient") is not True
                    ):
                        names.add(attrs["_name"])
        if not names:
            continue
        access = os.path.join(ROOT, addon, "security", "ir.model.access.csv")
        with open(access, encoding="utf-8") as f:
            csv_text = f.read()
        for name in names:
            assert "model_" + name.replace(".", "_") in csv_text, (addon, name)


def test_missing_odoo_tree_stops_with_a_clear_message(tmp_path):
    env = dict(os.environ, ODOO_SRC=str(tmp_path / "nowhere"))
    for target in ("test", "run"):
        proc = subprocess.run(
            ["bash", os.path.join(ROOT, "tools", "kam.sh"), target],
            check=False,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 2, proc.stderr
        assert "ODOO_SRC" in proc.stderr and "Odoo 18.0" in proc.stderr
