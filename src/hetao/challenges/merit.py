"""Merit only (揭榜挂帅: 不论资历、只看实力): a challenge's eligibility rules and rubric may test what a team can
deliver, never who its members are — their title, rank, age, degree or seniority.

`check_merit_only(text)` raises a ValidationError naming each kind of test it found (in the user's language) and
the words that gave it away. The text is normalised first (NFKC: full-width letters and digits become plain,
case folded, invisible characters dropped, Traditional Chinese read as Simplified), so "ＰｈＤ", "phd" and
"Ph.D." are one word and "年齡" is "年龄". Latin words are matched on word boundaries ("image", "manage",
"average", "stage", "storage" are not "age"); ambiguous words need their context ("a degree in physics" is a
degree, "a high degree of automation" is not; "university ranking" is rank, "the ranking of bids" is not).
"""

import re
import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

__all__ = ["CATEGORIES", "NON_MERIT_PATTERNS", "check_merit_only", "non_merit_findings"]

CATEGORIES: dict[str, Promise] = {
    "title": gettext_lazy("professional title"),
    "rank": gettext_lazy("rank"),
    "age": gettext_lazy("age"),
    "degree": gettext_lazy("academic degree"),
    "seniority": gettext_lazy("seniority"),
}

# Chinese numerals as they are written in requirements ("三十五岁以下", "五年以上").
_N = r"[0-9一二三四五六七八九十两兩百]+"
# A clause of Chinese text (a requirement's words stay within one clause).
_C = r"[^。；;，,、\n]"
_SUBJECT = (r"(?:applicants?|candidates?|researchers?|members?|leads?|leaders?|investigators?|scientists?|"
            r"persons?|people|individuals?|staff|bidders?|engineers?|pis?|those|anyone|who|is|are|be|aged?)")

_EN = {
    "title": [
        r"(?:full|associate|assistant|adjunct|visiting|chair(?:ed)?|distinguished|emeritus|tenured)\s+professors?",
        r"professors?(?:hips?)?", r"prof\.?", r"academicians?", r"lecturers?",
        r"(?:job|professional|academic|technical|official|honorary|senior|formal)\s+titles?",
        r"title[- ]holders?",
        r"fellows?\s+of\s+(?:the\s+)?[\w\s]{0,40}?(?:academy|royal\s+society|ieee|acm)",
    ],
    "rank": [
        r"(?:universit\w*|institution\w*|institute\w*|schools?|colleges?|employers?|administrative|academic|"
        r"military|civil[- ]service|official|jobs?|positions?|qs|world|global|national)\W+(?:\w+\W+){0,3}?"
        r"rank(?:s|ed|ings?)?",
        r"rank(?:s|ed|ings?)?\W+(?:\w+\W+){0,3}?(?:universit\w*|institution\w*|schools?|colleges?|employers?)",
        r"(?:top|highly|high)[- ]rank(?:ed|ing)", r"ranked\s+(?:in|among|within)\s+the\s+top",
        r"top[- ]?\d+\s+(?:\w+\s+){0,2}?(?:universit\w*|institutions?|schools?|colleges?)",
        r"(?:top[- ]tier|elite|prestigious|leading|key|famous|first[- ]class|world[- ]class)\s+"
        r"(?:universit\w*|institutions?|schools?|colleges?)",
        r"ivy\s+league", r"russell\s+group", r"c9\s+league", r"double[- ]first[- ]class", r"project\s+(?:985|211)",
        r"(?:civil[- ]service|administrative|pay|salary|job|staff|official|employee|seniority|directorate)\s+"
        r"(?:grades?|ranks?|levels?)",
        r"(?:cadre|bureau|ministerial|directorate|director|department[- ]head|vice[- ]minister)[- ]level",
        r"military\s+rank",
    ],
    "age": [
        r"(?<!digital\s)(?<!information\s)(?<!stone\s)(?<!bronze\s)(?<!iron\s)(?<!golden\s)(?<!ice\s)(?<!space\s)"
        r"(?<!new\s)(?<!in\sthe\s)ages?(?![- ]?(?:related|old)\b)(?!\s+of\s+(?:ai|artificial|information|big\s+data|"
        r"digital|the\s+internet|internet|automation|machines?|quantum|computing|data|discovery|exploration|"
        r"globali[sz]ation|climate|reason|enlightenment)\b)",
        r"aged\s+(?:under|over|below|above|between|from|no|not|less|more|at|up|\d)",
        r"years?[- ]old", r"yrs?\.?\s+old", r"years?\s+of\s+age", r"-year-olds?",
        r"(?:younger|older)\s+than", r"or\s+(?:younger|older)", r"\d{2}\s+(?:or|and)\s+(?:under|below|younger|less)",
        r"born\s+(?:after|before|in|since|on|between|from|no\s+earlier|no\s+later|\d)",
        r"(?:date|year)\s+of\s+birth", r"birth\s*(?:date|year|day)s?", r"d\.?o\.?b\.?",
        rf"{_SUBJECT}\s+(?:\w+\s+)?(?:under|below|over|above|not\s+over|not\s+above|up\s+to)\s+(?:the\s+age\s+of\s+)?"
        r"(?:1[6-9]|[2-7]\d)(?:\s*(?:years?|yrs?)(?:\s+(?:old|of\s+age))?)?(?=\s*(?:$|[.,;:!?)\]]|(?:only|and|or|may|"
        r"can|must|are|who|at|in|as|to|with|on|by|is|will|should)\b))",
        r"(?:under|over)[- ](?:1[6-9]|[2-7]\d)s", r"retirement\s+age",
        r"young(?:er)?\s+(?:researchers?|scientists?|investigators?|scholars?|talents?|professionals?|"
        r"academics?|engineers?)",
        r"(?:under|below|over|above)\s+(?:1[6-9]|[2-7]\d)\s+(?:years?|yrs?)\b(?!\s+(?:of\s+)?(?:experience|service))",
    ],
    "degree": [
        r"ph\.?\s?d\.?s?", r"d\.?\s?phil\.?", r"doctorates?", r"doctoral", r"post[- ]?doc(?:toral|s)?",
        r"doctor'?s\s+degrees?", r"master's", r"masters\s+(?:degrees?|programmes?|programs?|graduates?)",
        r"master\s+degrees?", r"m\.?\s?sc\.?", r"m\.?\s?phil\.?", r"mba", r"m\.\s?eng\.?", r"bachelor'?s?",
        r"b\.?\s?sc\.?", r"b\.\s?eng\.?",
        r"(?:university|college|academic|postgraduate|graduate|undergraduate|higher|advanced|first|engineering|"
        r"science|relevant|bachelor|master|doctoral|phd|research|associate)\s+degrees?(?!\s+of\b)",
        r"degrees?\s+(?:holders?|in|from|required|or\s+(?:above|higher|equivalent)|level|only|certificates?)",
        r"(?:hold|holds|holding|have|has|with|possess|possessing|obtained|earned)\s+(?:a|an|the)?\s*"
        r"(?:\w+\s+)?degrees?(?!\s+of\b)",
        r"academic\s+(?:qualifications?|credentials?|background)", r"educational\s+(?:background|level|attainment)",
        r"education\s+level", r"level\s+of\s+education", r"graduated?\s+from", r"graduates?\s+of",
        r"(?:fresh|recent|new)\s+graduates?", r"alumni",
        r"diplomas?", r"habilitation",
    ],
    "seniority": [
        r"seniority", r"senior(?!s\b)(?!\s+citizens?)(?!\s+(?:care|living|home|homes|people|population))",
        r"junior(?!\s+(?:high|school|college))", r"tenure(?:d|[- ]track)?", r"veterans?",
        r"(?:early|mid|late)[- ]career", r"length\s+of\s+service", r"years?\s+(?:of|in)\s+service",
        r"years?'?\s+(?:of\s+)?(?:\w+\s+){0,3}?experience", r"years?['’]\s+(?:\w+\s+){0,3}?experience",
        r"experience\s+(?:of|for)\s+(?:at\s+least\s+|more\s+than\s+|over\s+)?\d+\+?\s*years?",
        r"(?:at\s+least|more\s+than|over|minimum(?:\s+of)?|min\.?)\s+\d+\+?\s*years?\s+(?:in|of|working|at)\b",
        r"\d+\+?\s*years?\s+in\s+(?:the\s+)?(?:field|industry|profession|post|position|role)",
        r"track\s+record\s+of\s+\d+\s+years?", r"established\s+(?:researchers?|investigators?|scientists?)",
    ],
}

_ZH = {
    "title": [
        r"职称", r"職稱", r"头衔", r"頭銜", r"教授", r"院士", r"研究员", r"研究員", r"讲师", r"講師",
        r"高级工程师", r"高級工程師", r"[正副]高(?![压壓温溫速频頻效度峰斯分])",
        r"博导", r"博導", r"博士生导师", r"博士生導師", r"硕导",
        r"碩導", r"杰青", r"傑青", r"优青", r"優青", r"长江学者", r"長江學者", r"千人计划", r"千人計劃",
        r"万人计划", r"萬人計劃", r"人才帽子", r"人才称号", r"人才稱號",
    ],
    "rank": [
        r"行政级别", r"行政級別", r"职级", r"職級", r"职务级别", r"職務級別", r"处级", r"處級", r"厅级", r"廳級",
        r"局级", r"局級", r"科级", r"科級", r"部级", r"部級", r"副处", r"副處", r"正处", r"正處",
        r"(?:行政|职务|職務|干部|幹部|人员|人員|岗位|崗位|专业技术|專業技術|个人|個人)级别",
        r"(?:行政|职务|職務|干部|幹部|人员|人員|岗位|崗位|专业技术|專業技術|个人|個人)級別",
        r"(?<![0-9.,])(?:985|211)(?![0-9.,%])(?=\s*(?:[/、,，和及与與或]\s*(?:985|211)|工程|计划|計劃|高校|大学|"
        r"大學|院校|学校|學校|universit|institution|school|college|project|plan))",
        r"(?:985|211)\s*(?:工程|计划|計劃)", r"双一流", r"雙一流", r"名校", r"一流(?:大学|大學|高校|院校|学科|學科)",
        r"重[点點](?:高校|大学|大學|院校)", r"知名(?:高校|大学|大學|院校)",
        rf"(?:高校|大学|大學|院校|学校|學校|学科|學科|qs|世界|全球|泰晤士){_C}{{0,4}}排[名行]",
        rf"排[名行]{_C}{{0,8}}(?:高校|大学|大學|院校|学校|學校)",
    ],
    "age": [
        r"年[龄齡](?!相[关關])", r"(?:周|週|足|虚|虛)?[岁歲](?:以下|以上|以内|以內|或以下|及以下|之间|之間)",
        rf"{_N}\s*(?:周|週)?[岁歲]", r"(?:周|週)[岁歲]", r"出生(?:年月|日期|年份|于|於|在|后|後)",
        r"(?:[0-9]|年|年代|月|日|以后|以後|之后|之後|以前|之前)出生", rf"年[满滿]{_N}",
        r"退休年[龄齡]",
        r"青年(?:人才|科学家|科學家|学者|學者|科技人才|教师|教師|拔尖|英才|科研人员|科研人員)",
    ],
    "degree": [
        r"学历", r"學歷", r"学位", r"學位", r"博士", r"硕士", r"碩士", r"本科", r"大专", r"大專", r"研究生",
        r"文凭", r"文憑", r"毕业于", r"畢業於", r"毕业院校", r"畢業院校", r"毕业生", r"畢業生", r"海归", r"海歸",
    ],
    "seniority": [
        r"资历", r"資歷", r"年资", r"年資", r"工龄", r"工齡", r"教龄", r"教齡", r"资深", r"資深",
        r"工作年限", r"从业年限", r"從業年限", r"任职年限", r"任職年限", r"论资排辈", r"論資排輩", r"老资格",
        r"老資格",
        rf"{_N}\s*年(?:以上|及以上|或以上){_C}{{0,10}}?(?:经验|經驗|经历|經歷|工作|从业|從業|任职|任職|资历|資歷)",
        rf"(?:工作|从业|從業|任职|任職|研究)(?:经验|經驗|经历|經歷|年限)\s*(?:不少于|不少於|不低于|不低於|"
        rf"不短于|不短於|满|滿|超过|超過|达到|達到|在)?\s*{_N}\s*年",
        rf"(?:工作|从业|從業|任职|任職)\s*(?:不少于|不少於|不低于|不低於|不短于|不短於|满|滿|超过|超過|达到|達到)"
        rf"\s*{_N}\s*年", rf"(?:工作|从业|從業|任职|任職){_N}\s*年(?:以上|及以上)",
        rf"从事{_C}{{0,12}}?{_N}\s*年(?:以上|及以上)", rf"從事{_C}{{0,12}}?{_N}\s*年(?:以上|及以上)",
        rf"(?:经验|經驗){_C}{{0,4}}{_N}\s*年",
    ],
}


def _compile(patterns: Iterable[str], latin: bool) -> re.Pattern[str]:
    joined = "|".join(f"(?:{p})" for p in patterns)
    if latin:
        # Word boundaries made of letters only ("image" is not "age"; "age-limit" and "age:" are).
        joined = rf"(?<![a-z])(?:{joined})(?![a-z])"
    return re.compile(joined, re.IGNORECASE)


NON_MERIT_PATTERNS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    category: (_compile(_EN[category], latin=True), _compile(_ZH[category], latin=False)) for category in CATEGORIES
}

_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2060\ufeff]")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "`": "'", "´": "'", "＇": "'"})


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = _INVISIBLE.sub("", text).translate(_QUOTES).casefold()
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return _CJK_GAP.sub("", text)  # "博 士" is "博士"


def _simplified(text: str) -> str:
    try:
        from hetao.core.chinese import has_han, to_simplified
    except ImportError:  # pragma: no cover - OpenCC is a dependency of the park
        return text
    return to_simplified(text) if has_han(text) else text


def non_merit_findings(text: str) -> dict[str, list[str]]:
    """{category: [the words found]} for every test of who rather than what a team can deliver."""
    normal = _normalise(text)
    if not normal.strip():
        return {}
    variants = [normal]
    simplified = _simplified(normal)
    if simplified != normal:
        variants.append(simplified)
    found: dict[str, list[str]] = {}
    for category, patterns in NON_MERIT_PATTERNS.items():
        words: list[str] = []
        for variant in variants:
            for pattern in patterns:
                for match in pattern.finditer(variant):
                    word = match.group(0).strip()
                    if word and word not in words:
                        words.append(word)
        if words:
            found[category] = words
    return found


def check_merit_only(text: str) -> None:
    """Refuse a text that judges a team by title, rank, age, degree or seniority; the message names each kind."""
    found = non_merit_findings(text)
    if not found:
        return
    kinds = "; ".join(
        _("%(kind)s (“%(words)s”)") % {"kind": CATEGORIES[category], "words": "”, “".join(words[:3])}
        for category, words in found.items())
    raise ValidationError(
        _("Merit only: a challenge may test what a team can deliver, never who its members are. This text tests "
          "%(kinds)s.") % {"kinds": kinds}, code="not_merit")
