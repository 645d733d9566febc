"""Structured eligibility for the demo library's benefits, and the version trigger for the
new conditions.

- The version trigger (0005) also compares `talent_categories` and `competitive`: changing
  who may get a benefit, or whether it is a selection, bumps its version.
- The demo benefits (policies whose source is an example.gov.cn address, i.e. `seed_demo`'s)
  get the talent categories and the selection flag the seed now writes, matched by title.
"""

from django.db import migrations

VERSIONED_COLUMNS = [
    "kind",
    "amount_min",
    "amount_max",
    "period",
    "period_count",
    "min_degree",
    "max_age",
    "tiers",
    "max_years_since_graduation",
    "overseas_required",
    "must_work_in_region",
    "must_live_in_region",
    "enterprise_types",
    "talent_categories",
    "competitive",
]
OLD_COLUMNS = VERSIONED_COLUMNS[:-2]


def _function(columns):
    old = ", ".join(f"OLD.{column}" for column in columns)
    new = ", ".join(f"NEW.{column}" for column in columns)
    return f"""
CREATE OR REPLACE FUNCTION policies_benefit_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF ROW({old}) IS DISTINCT FROM ROW({new}) THEN
        NEW.version := GREATEST(NEW.version, OLD.version + 1);
    ELSE
        NEW.version := GREATEST(NEW.version, OLD.version);
    END IF;
    RETURN NEW;
END
$$;
"""


CATEGORIES = {
    "postdoc": ["博士后日常经费资助", "博士后科研项目资助", "出站留本地工作补贴"],
    "skills_master": ["技能大师奖励"],
    "senior_technician": ["高级技师生活津贴"],
    "skilled_worker": ["高技能人才购房补贴"],
    "student": ["在校大学生实习补贴"],
}
SELECTIONS = [
    "创业项目资助",
    "创新项目科研经费",
    "人才奖励",
    "鲲鹏人才生活补贴",
    "博士后科研项目资助",
    "顶尖人才团队资助",
    "“万人计划”特殊支持经费",
    "青年拔尖人才资助",
    "省级保健服务",
]
DEMO = "policy_id IN (SELECT id FROM policies_policy WHERE source_url LIKE %s)"
DEMO_SOURCE = "https://www.%.example.gov.cn/%"


def structure_demo_benefits(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for category, titles in CATEGORIES.items():
            cursor.execute(
                "UPDATE policies_benefit SET talent_categories = ARRAY[%s]::varchar(30)[] "
                f"WHERE title_zh = ANY(%s) AND talent_categories = '{{}}' AND {DEMO}",
                [category, titles, DEMO_SOURCE],
            )
        cursor.execute(
            "UPDATE policies_benefit SET competitive = TRUE "
            f"WHERE title_zh = ANY(%s) AND NOT competitive AND {DEMO}",
            [SELECTIONS, DEMO_SOURCE],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0008_benefit_categories_selection_service_follow_policy"),
    ]

    operations = [
        migrations.RunSQL(_function(VERSIONED_COLUMNS), _function(OLD_COLUMNS)),
        migrations.RunPython(structure_demo_benefits, migrations.RunPython.noop),
    ]
