from django.db import migrations

from jingzhun.registry.causes import load_causes


def add_causes(apps, schema_editor):
    load_causes(apps.get_model("registry", "Cause"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(add_causes, migrations.RunPython.noop)]
