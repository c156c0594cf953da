"""The six departments of the development office (PRODUCT.md), in three languages."""

from django.db import migrations

DEPARTMENTS = [
    ("enterprise_services", "Enterprise Services", "企业服务处", "企業服務處"),
    ("talent_services", "Talent Services", "人才服务处", "人才服務處"),
    ("research_management", "Research Management", "科研管理处", "科研管理處"),
    ("finance", "Finance", "财务处", "財務處"),
    ("facilities_security", "Facilities and Security", "设施与安全处", "設施與安全處"),
    ("data", "Data and Digital Services", "数据与数字服务处", "數據與數碼服務處"),
]


def create(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    for code, en, hans, hant in DEPARTMENTS:
        Department.objects.update_or_create(code=code, defaults={"name_en": en, "name_zh_hans": hans,
                                                                 "name_zh_hant": hant})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
