"""Chinese by default, English on request: the zh_Hans catalog is complete, compiled and used by the pages."""

import ast
import datetime
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.conftest import make_id_number

PACKAGE = Path(django_settings.BASE_DIR)
CATALOG = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{\s*\w+\s*\}\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(text: str) -> list[Entry]:
    """A small reader for what xgettext and msgmerge write; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry, key = None, None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            entry, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key == "msgid":
                entry.msgid += value
            elif key == "msgid_plural":
                entry.msgid_plural += value
            elif isinstance(key, int):
                entry.msgstr[key] += value
        else:
            keyword, _space, value = line.partition(" ")
            value = ast.literal_eval(value)
            if keyword == "msgid":
                key, entry.msgid = "msgid", value
            elif keyword == "msgid_plural":
                key, entry.msgid_plural = "msgid_plural", value
            elif keyword == "msgstr":
                key, entry.msgstr[0] = 0, value
            elif keyword.startswith("msgstr["):
                key = int(keyword[7:-1])
                entry.msgstr[key] = value
            else:  # msgctxt and anything newer: not checked here
                key = None
    return entries


def untranslated(entries: list[Entry]) -> list[str]:
    return [f"line {e.line}: {e.msgid!r}" for e in entries
            if e.msgid and (not e.msgstr or not all(e.msgstr.values()) or "fuzzy" in e.flags)]


@pytest.fixture(autouse=True)
def _reset_language():
    # LocaleMiddleware activates a language for the thread and leaves it; later tests expect the default.
    yield
    translation.deactivate()


# Catalog -------------------------------------------------------------------------------------------------

def test_catalog_has_a_translation_for_every_entry_and_none_fuzzy():
    entries = parse_po(CATALOG.read_text(encoding="utf-8"))
    header = next(e for e in entries if e.msgid == "")
    assert "fuzzy" not in header.flags
    assert "nplurals=1; plural=0;" in header.msgstr[0]
    messages = [e for e in entries if e.msgid]
    assert len(messages) > 200
    assert untranslated(entries) == []
    plurals = [e for e in messages if e.msgid_plural is not None]
    assert plurals and all(list(e.msgstr) == [0] for e in plurals), "Chinese has one plural form"


def test_catalog_keeps_every_placeholder():
    for entry in parse_po(CATALOG.read_text(encoding="utf-8")):
        if not entry.msgid:
            continue
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for form in entry.msgstr.values():
            assert sorted(PLACEHOLDER.findall(form)) == wanted, entry.msgid


def test_catalog_is_compiled():
    compiled = CATALOG.with_suffix(".mo")
    assert compiled.exists(), "django.mo is missing: run scripts/setup.sh (it runs compilemessages)"
    assert compiled.stat().st_mtime >= CATALOG.stat().st_mtime, "django.mo is older than django.po: recompile"


@pytest.mark.skipif(shutil.which("xgettext") is None or shutil.which("msgmerge") is None,
                    reason="GNU gettext is not installed (scripts/setup.sh installs it)")
def test_every_translatable_string_in_the_source_is_in_the_catalog(tmp_path, monkeypatch, settings):
    """makemessages over a copy of the package: a string added to the code but not to the catalog shows
    up here as an empty or fuzzy entry."""
    copy = tmp_path / "jingzhun"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "data", "static"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    fresh = parse_po((copy / CATALOG.relative_to(PACKAGE)).read_text(encoding="utf-8"))
    missing = untranslated(fresh)
    assert missing == [], (
        "untranslated strings; run `jingzhun makemessages -l zh_Hans` in src/jingzhun and translate them")


# Pages ---------------------------------------------------------------------------------------------------

@pytest.fixture
def household(cast, make_household):
    return make_household(actor=cast["cadre_a"], head_name="马德福", size=2)


@pytest.fixture
def cadre(client, cast):
    client.force_login(cast["cadre_a"])
    return client


def test_household_page_is_in_chinese_by_default(cadre, household):
    body = cadre.get(reverse("registry:household", args=[household.pk])).content.decode()
    assert '<html lang="zh-Hans">' in body
    for text in ("户主", "人均纯收入", "工资性收入", "两不愁三保障", "操作记录", "一般贫困户",
                 "建档立卡贫困户", "退出"):
        assert text in body, text
    assert "head of household" not in body.lower()
    assert "Net income per person" not in body


@pytest.mark.parametrize("accept", ["zh-CN,zh;q=0.9", "en-US,en;q=0.9", "fr-FR"])
def test_household_page_is_chinese_whatever_the_browser_asks(cadre, household, accept):
    # Chinese is the working language: English comes only from the switch, not from the browser.
    body = cadre.get(reverse("registry:household", args=[household.pk]),
                     headers={"accept-language": accept}).content.decode()
    assert "人均纯收入" in body and "net income per person" not in body


def test_set_language_switches_the_household_page_to_english_and_back(cadre, household):
    url = reverse("registry:household", args=[household.pk])
    response = cadre.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    body = cadre.get(url).content.decode()
    assert '<html lang="en">' in body
    for text in ("head of household", "net income per person", "wages", "general poor household",
                 "Audit trail", "Sign out"):
        assert text in body, text
    assert "户主" not in body and "人均纯收入" not in body

    cadre.post(reverse("set_language"), {"language": "zh-hans", "next": url})
    assert "人均纯收入" in cadre.get(url).content.decode()


def test_language_cookie_chooses_english(cadre, household):
    cadre.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    body = cadre.get(reverse("registry:household", args=[household.pk])).content.decode()
    assert "head of household" in body and "户主" not in body


def test_sign_in_page_is_in_chinese(client):
    body = client.get(reverse("login")).content.decode()
    assert "<title>登录 · 精准扶贫信息系统</title>" in body
    assert "用户名" in body and "密码" in body  # the form's labels, from Django's own catalog
    assert "Sign in" not in body


def test_wrong_password_is_refused_in_chinese(client, cast):
    body = client.post(reverse("login"), {"username": "cadre_a", "password": "wrong"}).content.decode()
    assert "请输入一个正确的" in body


def test_member_form_errors_come_back_in_chinese(cadre, household):
    good = make_id_number(born=datetime.date(2008, 9, 1), sex="F")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = cadre.post(reverse("registry:member_new", args=[household.pk]), {
        "name": "马小花", "id_number": wrong, "relation": "daughter", "ethnicity": "hui",
        "education": "junior", "in_school": "on", "health": "healthy", "labour": "none",
        "months_away": "0", "joined_on": "2014-03-01",
    })
    assert response.status_code == 200
    body = response.content.decode()
    field = re.search(r'id="field-id_number".*?</div>', body, re.S).group(0)
    assert "校验码不正确" in field
    assert "check digit" not in body
    assert household.members.count() == 2


def test_required_field_error_is_in_chinese_and_in_english_after_the_switch(cadre, household):
    url = reverse("registry:member_new", args=[household.pk])
    field = re.compile(r'id="field-name".*?</div>', re.S)
    data = {"relation": "daughter"}  # an empty POST would leave the form unbound
    assert "这个字段是必填项。" in field.search(cadre.post(url, data).content.decode()).group(0)
    cadre.post(reverse("set_language"), {"language": "en", "next": url})
    body = cadre.post(url, data).content.decode()
    assert "This field is required." in field.search(body).group(0)
