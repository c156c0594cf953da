"""Romanisations as people write them, and search forms for every romanisation.

- `Person.romanisation` held Jyutping with tone numbers ("can4 daai6 man4") or spaced lowercase Pinyin
  ("yu da peng"); derived values become the spelling people write ("Chan Tai Man", "Yu Dapeng") and typed
  tone numbers are dropped.
- `search_text` of organisations, people and projects is recomputed: people gain Pinyin typed without spaces,
  initials, toneless Jyutping and the Hong Kong spelling; descriptions are no longer part of it.
  (`manage.py refresh_search_text` does the same after any later change of the derivation.)
"""

import re

from django.db import migrations, models

from hetao.core.chinese import romanise_name, strip_tone_numbers
from hetao.registry.search_text import CANTONESE_REGIONS, refresh_all

OLD_DERIVED = re.compile(r"^[a-zü]+[1-6]?( [a-zü]+[1-6]?)*$")  # "can4 daai6 man4", "yu da peng"


def upgrade_romanisations(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    stale = []
    for person in Person.objects.exclude(romanisation="").only("romanisation", "name_zh_hans", "region"):
        chinese = person.name_zh_hans
        if chinese and OLD_DERIVED.match(person.romanisation):
            new = romanise_name(chinese, cantonese=person.region in CANTONESE_REGIONS)
        else:
            new = strip_tone_numbers(person.romanisation)
        if new and new != person.romanisation:
            person.romanisation = new
            stale.append(person)
    Person.objects.bulk_update(stale, ["romanisation"], batch_size=2000)


def refresh_search_text(apps, schema_editor):
    refresh_all([apps.get_model("registry", name) for name in ("Organisation", "Person", "Project")])


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_postgres_constraints_and_search")]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="romanisation",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="romanisation",
                help_text="As the person writes it in Latin letters: the Hong Kong spelling for Hong Kong and Macao "
                          "names (Chan Tai Man), Hanyu Pinyin without tones otherwise (Zhang Wei); derived when "
                          "empty."),
        ),
        migrations.RunPython(upgrade_romanisations, migrations.RunPython.noop),
        migrations.RunPython(refresh_search_text, migrations.RunPython.noop),
    ]
