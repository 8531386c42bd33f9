"""Helpers' visits of the last six months, about monthly, and each household's next visit, planned: due
within the coming month (a few days overdue for some). About 1% of households have gone unvisited for
over the alert days, so the village board has names to show. Rows in demo.assistance.TABLES' order."""

import datetime

DAY = datetime.timedelta(days=1)
WINDOW = 180  # days of visits written back from today
UNVISITED_SHARE = 0.01  # assumed
# What helpers write: kept in Chinese, as the register is.
FOUND = ("了解家庭收入和务工情况", "家中老人身体状况稳定，按时服药", "孩子在校就读情况良好",
         "养殖的牛羊长势良好", "家庭成员外出务工，收入稳定", "房屋安全，饮水正常",
         "询问春耕备耕情况，种子化肥已备齐", "户主反映医疗报销已到位", "想扩大养殖规模，缺少启动资金",
         "家中有人生病住院，支出增加")
DONE = ("宣讲政策，核实帮扶措施落实", "帮助联系务工岗位", "讲解医疗保险报销政策", "协助申请产业补贴",
        "叮嘱注意防寒保暖，检查取暖设施", "核对收入台账，更新帮扶明白卡", "联系农技人员上门指导养殖",
        "宣传防止返贫监测政策")


class Visits:
    def __init__(self, today: datetime.date, interval: int, alert: int, to_text):
        self.today, self.interval, self.alert, self.to_text = today, interval, alert, to_text

    def rows(self, rng, household: int, helper: int, *, unvisited: bool = False,
             next_due: datetime.date | None = None) -> list[tuple]:
        """The household's recorded visits and its planned one. `unvisited`: the last visit is older
        than the alert days; `next_due`: the planned visit falls due on this day, the last visit an
        interval before it."""
        today = self.today
        if next_due is not None:
            last = next_due - DAY * self.interval
        elif unvisited:
            last = today - DAY * (self.alert + 5 + int(rng.random() * 90))
        else:
            last = today - DAY * (3 + int(rng.random() * 35))
        days = [last]
        while True:
            earlier = days[-1] - DAY * (self.interval - 8 + int(rng.random() * 17))
            if earlier < today - DAY * WINDOW:
                break
            days.append(earlier)
        days.reverse()
        rows, due = [], days[0] + DAY * (int(rng.random() * 7) - 3)
        for day in days:
            found = FOUND[int(rng.random() * len(FOUND))]
            done = DONE[int(rng.random() * len(DONE))]
            rows.append((household, helper, due.isoformat(), day.isoformat(), found, done, "", helper,
                         self.to_text(day)))
            due = day + DAY * self.interval
        if next_due is None and not unvisited:
            # within the coming month, or a few days overdue
            next_due = max(today - DAY * 5, min(due, today + DAY * 29) - DAY * int(rng.random() * 8))
        rows.append((household, helper, (next_due or due).isoformat(), None, "", "", "", None, None))
        return rows
