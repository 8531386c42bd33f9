from django.db import migrations

from jingzhun.assistance.catalogue import load_catalogue


def add_catalogue(apps, schema_editor):
    load_catalogue(apps.get_model("assistance", "Measure"), apps.get_model("assistance", "MeasureRule"))


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial"), ("registry", "0002_causes")]
    operations = [migrations.RunPython(add_catalogue, migrations.RunPython.noop)]
