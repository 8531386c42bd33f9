"""The official causes of poverty, as data; loaded by a migration and reloadable."""

# The official list of causes of poverty (main: one; others: several); 因婚 and 因丧 are added by some
# provincial systems. Source: ../shared/domain/rules.md, "Causes of poverty".
CAUSES = [
    ("illness", "因病", "illness"),
    ("disability", "因残", "disability"),
    ("schooling", "因学", "schooling costs"),
    ("disaster", "因灾", "disaster"),
    ("lack_land", "缺土地", "lack of land"),
    ("lack_water", "缺水", "lack of water"),
    ("lack_skills", "缺技术", "lack of skills"),
    ("lack_labour", "缺劳动力", "lack of labour"),
    ("lack_capital", "缺资金", "lack of capital"),
    ("poor_transport", "交通条件落后", "poor transport"),
    ("lack_drive", "自身发展动力不足", "lack of drive"),
    ("marriage", "因婚", "marriage costs"),
    ("funeral", "因丧", "funeral costs"),
    ("other", "其他", "other"),
]



def load_causes(cause_model) -> None:
    for order, (code, zh, en) in enumerate(CAUSES):
        cause_model.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "order": order})


def ensure_causes() -> None:
    """The list is migration data, which `flush` (and a transactional test) empties: put it back."""
    from .models import Cause

    if Cause.objects.count() < len(CAUSES):
        load_causes(Cause)
