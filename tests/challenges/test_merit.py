"""Merit only (揭榜挂帅): the check refuses every test of title, rank, age, degree or seniority, in English, 简体 and
繁體, however it is typed, and lets through what a team can deliver (and words that only look alike)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from hetao.challenges.merit import check_merit_only, non_merit_findings

REFUSED = {
    "title": ["Professors only", "Associate Professor or above", "led by an academician", "PROF. in charge",
              "Lecturers and above", "a professional title of senior engineer", "正高级职称", "具有高級職稱",
              "副教授以上", "院士领衔", "研究员职称", "長江學者", "博士生导师"],
    "rank": ["QS world university ranking top 100", "from top 100 universities", "985/211 高校", "985、211院校",
             "双一流高校", "雙一流大學", "行政级别处级以上", "Ivy League graduates", "civil service grade D2",
             "high-ranking officials", "世界排名前100的大学", "from prestigious universities", "名校毕业"],
    "age": ["applicants under 35", "Applicants must be under 40.", "under the age of 40", "aged below 45",
            "born after 1985", "no older than 40", "35 or younger", "Age limit: 45", "年齡不超過40歲", "35周岁以下",
            "项目负责人年龄不超过45周岁", "1985年1月1日以后出生", "三十五岁以下", "年滿18", "team leads over 50 only",
            "Candidates aged 30-45", "date of birth after 1980", "under-40s only", "the age of the lead",
            "young scientists only", "青年人才优先", "applicants aged 35 or below",
            "age of applicants"],
    "degree": ["PhD holders only", "Ph.D. required", "ＰｈＤ holders", "a master's degree in physics", "MSc or above",
               "Must hold a university degree", "doctorate in chemistry", "postdoctoral fellows",
               "具有博士学位", "硕士及以上学历", "本科以上學歷", "碩士學位", "博 士", "educational background",
               "graduated from a top school", "fresh graduates welcome"],
    "seniority": ["10 years of experience", "at least 5 years' experience", "5+ years of relevant industry experience",
                  "senior professors", "Senior researchers", "tenured faculty", "early-career researchers only",
                  "5年以上工作经验", "具有十年以上相关经验", "從業年限不少於10年", "资历深厚", "資深專家", "工龄满5年",
                  "工作经验不少于3年", "从事相关研究10年以上", "seniority counts", "experience of at least 8 years"],
}

ALLOWED = [
    "image processing pipeline", "manage the project budget", "an upgrade path for the cryostat",
    "average error below 1e-3", "stage 2 prototype", "test coverage of 90%", "percentage of uptime",
    "energy storage at 99% efficiency", "package and agents", "a government agency as user", "mileage and voltage",
    "A working logical qubit with an error rate under 10", "latency under 40 ms", "efficiency over 90%",
    "a budget within the ceiling", "a registered entity in either park, or able to register one",
    "conflicts of interest declared", "a high degree of automation", "a 360-degree camera", "six degrees of freedom",
    "care robots for seniors", "services for senior citizens", "the ranking of bids by score", "medical-grade sensors",
    "the team masters cryogenics", "in the age of AI", "age-related macular degeneration", "the master plan",
    "the age of AI",
    "doctors and nurses use it", "pH 7 buffer", "titanium alloy", "subtitles in three languages",
    "teams of any size from either park", "at least 3 partners", "a prototype running at 35 °C",
    "出生缺陷筛查", "年龄相关性黄斑变性的诊断", "IP67防护级别", "正高压电源", "3年内完成研发", "项目周期3年",
    "研究周期3年", "一年满负荷运行", "能够在香港或深圳注册法人实体", "预算不超过上限", "團隊能展示量子糾錯能力",
    "科研团队须申报利益冲突", "研究人员可来自任何机构", "展示可运行的原型", "young teams welcome",
    "a youth education app",
    "graduate-level knowledge of optics", "",
]


@pytest.mark.parametrize(("category", "text"), [(c, t) for c, texts in REFUSED.items() for t in texts])
def test_a_test_of_who_is_refused_and_named(category: str, text: str) -> None:
    assert category in non_merit_findings(text), text
    with pytest.raises(ValidationError) as caught:
        check_merit_only(text)
    assert caught.value.code == "not_merit"


@pytest.mark.parametrize("text", ALLOWED)
def test_what_a_team_can_deliver_is_allowed(text: str) -> None:
    assert non_merit_findings(text) == {}, text
    check_merit_only(text)


def test_the_message_names_the_category_in_the_users_language() -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check_merit_only("Applicants under 35 with a PhD")
    message = " ".join(caught.value.messages)
    assert "age" in message and "academic degree" in message and "Merit only" in message
    for language in ("zh-hans", "zh-hant"):
        with translation.override(language), pytest.raises(ValidationError) as caught:
            check_merit_only("年龄35岁以下")
        assert caught.value.messages


def test_case_width_and_invisible_characters_do_not_hide_a_word() -> None:
    for text in ("pHd ONLY", "Ｐｈ．Ｄ．", "P\u200bhD holders", "SENIOR engineers", "ａｇｅ ≤ 35", "年\u200b龄"):
        assert non_merit_findings(text), text
