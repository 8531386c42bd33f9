"""The household's audit trail names the helper, measure and cause of assistance records."""

import pytest
from django.utils import translation

from jingzhun.areas.scope import scope_for
from jingzhun.registry import audit, queries

pytestmark = pytest.mark.django_db


def test_trail_names_helpers_measures_and_causes(cast, helped):
    cast["helper"].first_name = "杨帮扶"
    cast["helper"].save()
    with translation.override("zh-hans"):
        groups = audit.trail(queries.audit_trail(helped), scope_for(cast["county"]))
    changes = {(g["entity"], c["field"]): c["new"] for g in groups for c in g["changes"]}
    assert changes[("农户", "帮扶责任人")] == "杨帮扶"
    news = {c["new"] for g in groups for c in g["changes"]}
    assert "扶贫小额信贷" in news and "缺资金" in news
