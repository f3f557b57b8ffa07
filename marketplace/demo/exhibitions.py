"""Demo data of activities: a trade fair in Hangzhou, an online matchmaking event, a lecture
and a training."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from marketplace.exhibitions import ExhibitionUseCases

# (kind, name, venue, online, starts in days, lasts hours, deadline days before start,
#  capacity, enterprises signing up in this order, description)
EXHIBITIONS = [
    ("exhibition", "2026 杭州中小企业产品交易博览会",
     "杭州国际博览中心 B 馆（萧山区奔竞大道 353 号）", False, 30, 56, 7, 120,
     ["hz_steel", "hz_tea", "xm_elec", "qd_food", "sz_smart", "sz_logi"], ""),
    ("matchmaking", "长三角—粤港澳 智能制造线上供需对接会", "线上（腾讯会议，会前发送入会链接）",
     True, 10, 3, 1, 3, ["sz_smart", "xm_elec", "hz_steel", "sz_logi", "qd_food"], ""),
    ("lecture", "企业微课堂：小微企业税费优惠政策解读", "市中小企业服务中心 3 楼报告厅", False,
     5, 2, 1, 80, ["hz_tea", "hz_steel", "qd_food"],
     "税务干部讲解“六税两费”减免、小规模纳税人增值税优惠的申报要点，现场答疑。"),
    ("training", "中小企业数字化转型实务培训班（第 3 期）", "线上（钉钉直播）", True,
     12, 16, 3, 60, ["xm_elec", "sz_smart", "sz_logi", "hz_steel"],
     "两天课程：业务上云、工业互联网平台选型、数据安全合规，结业颁发培训证书。"),
]  # fmt: skip


# Persons each enterprise sends to the lecture and the training (seats), in signup order.
ATTENDEES = {"lecture": [3, 2, 5], "training": [2, 4, 1, 3]}


def load_exhibitions_demo(app: ExhibitionUseCases, ids: dict[str, UUID]) -> int:
    """The demo operator's exhibitions and the demo enterprises' signups; the events written.
    The online event has three booths, so its last two signups are waitlisted."""
    written = 0
    today = app.clock().replace(hour=1, minute=0, second=0, microsecond=0)  # 09:00 in China
    for kind, name, venue, online, days, hours, before, capacity, enterprises, text in EXHIBITIONS:
        starts_at = today + timedelta(days=days)
        outcome = app.schedule_exhibition(
            ids["operator"], name=name, venue=venue, online=online, starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours), capacity=capacity,
            signup_deadline=starts_at - timedelta(days=before), kind=kind, description=text,
        )  # fmt: skip
        written += 1
        seats = ATTENDEES.get(kind, [1] * len(enterprises))
        for enterprise, attendees in zip(enterprises, seats, strict=True):
            app.sign_up(outcome.aggregate.id, ids[enterprise], attendees)
            written += 1
    return written
