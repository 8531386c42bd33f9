"""Helpers' visits of the last six months, about monthly, and each household's next visit, planned: due
within the coming month (a few days overdue for some). About 1% of households have gone unvisited for
over the alert days, so the village board has names to show. Rows in demo.assistance.TABLES' order."""

import datetime

from .plans import Days

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
    def __init__(self, today: datetime.date, interval: int, alert: int, to_text, days: Days):
        self.today, self.interval, self.alert, self.iso = today.toordinal(), interval, alert, days
        first = self.today - WINDOW - 10
        self.at = {day: to_text(datetime.date.fromordinal(day)) for day in range(first, self.today + 1)}

    def rows(self, rng, household: int, helper: int, *, unvisited: bool = False,
             next_due: datetime.date | None = None) -> list[tuple]:
        """The household's recorded visits and its planned one. `unvisited`: the last visit is older
        than the alert days; `next_due`: the planned visit falls due on this day, the last visit an
        interval before it. Days are ordinals here."""
        today, interval, iso = self.today, self.interval, self.iso
        due_next = next_due.toordinal() if next_due else None
        if due_next is not None:
            last = due_next - interval
        elif unvisited:
            last = today - self.alert - 5 - int(rng.random() * 80)
        else:
            last = today - 3 - int(rng.random() * 35)
        days = [last]
        while True:
            earlier = days[-1] - (interval - 8 + int(rng.random() * 17))
            if earlier < today - WINDOW:
                break
            days.append(earlier)
        days.reverse()
        rows, due = [], days[0] + int(rng.random() * 7) - 3
        for day in days:
            found = FOUND[int(rng.random() * len(FOUND))]
            done = DONE[int(rng.random() * len(DONE))]
            rows.append((household, helper, iso[due], iso[day], found, done, "", helper, self.at[day]))
            due = day + interval
        if due_next is None:
            # within the coming month, or a few days overdue; long overdue where visits stopped
            due_next = due if unvisited else max(today - 5, min(due, today + 29) - int(rng.random() * 8))
        rows.append((household, helper, iso[due_next], None, "", "", "", None, None))
        return rows
