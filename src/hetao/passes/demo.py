"""Demo gates, doors, a lab and an event entrance with their rules, plus community content."""

import datetime

from django.utils import timezone

from hetao.accounts.models import Department, User
from hetao.community.models import Announcement, Event, InterestGroup
from hetao.core.db import save_clean
from hetao.registry.models import Organisation, Park

from .models import AccessPoint, AccessRule


def _make(model, **fields):
    return save_clean(model(**fields))


def load_demo_passes() -> None:
    shenzhen, hong_kong = Park.objects.get(code="shenzhen"), Park.objects.get(code="hong-kong")
    gate = _make(AccessPoint, code="sz-main-gate", kind="gate", park=shenzhen, name_en="Shenzhen Park main gate",
                 name_zh_hans="深圳园区正门")
    _make(AccessRule, access_point=gate, grant="anyone")
    hk_gate = _make(AccessPoint, code="hk-loop-gate", kind="gate", park=hong_kong,
                    name_en="Hong Kong Park gate (Loop)", name_zh_hans="香港园区闸口（河套）")
    _make(AccessRule, access_point=hk_gate, grant="anyone", weekdays="01234", opens="07:00", closes="22:00")
    lab = _make(AccessPoint, code="hkust-lab-3", kind="lab", park=shenzhen, name_en="HKUST institute lab 3",
                name_zh_hans="港科大研究院三号实验室")
    _make(AccessRule, access_point=lab, grant="organisation", weekdays="0123456", opens="07:00", closes="23:00",
          organisation=Organisation.objects.get(slug="hkust-sz-hk-institute"))
    security = Department.objects.get(code="facilities_security")
    _make(AccessRule, access_point=lab, grant="department", department=security)
    start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) + datetime.timedelta(days=7)
    forum = _make(Event, title_en="Hetao quantum forum", title_zh_hans="河套量子论坛",
                  description_en="Talks by the Shenzhen International Quantum Research Institute.",
                  starts_at=start, ends_at=start + datetime.timedelta(hours=4),
                  location="Hetao Sci-Tech Innovation Centre, Hall B", capacity=120)
    _make(Event, title_en="Embodied intelligence meetup", title_zh_hans="具身智能交流会",
          starts_at=start + datetime.timedelta(days=3), ends_at=start + datetime.timedelta(days=3, hours=2),
          location="Pilot cluster, Building A", capacity=2)
    _make(AccessPoint, code="forum-hall-b", kind="event", park=shenzhen, event=forum, name_en="Hall B entrance",
          name_zh_hans="B厅入口")
    groups = (("quantum", "Quantum science", "量子科学"), ("hk-founders", "Hong Kong founders", "香港创业者"),
              ("robotics", "Robotics and embodied intelligence", "机器人与具身智能"))
    for slug, en, zh in groups:
        _make(InterestGroup, slug=slug, title_en=en, title_zh_hans=zh)
    _make(Announcement, title_en="Virtual Park services are online", title_zh_hans="虚拟园区服务已上线",
          description_en="Apply for park services, show your park code and sign in to partner systems with one "
                         "account.",
          description_zh_hans="一个账户即可办理园区服务、出示园区码并登录合作系统。",
          author=User.objects.filter(email="data.head@example.org").first())
