/* settings_table.c — every setting with its rulebook default and the SPEC id it serves.
 * A value of "ours" is our choice where the seed gives none; "unset" has no default. */
#include "settings.h"

#define INT(key, unit, def, origin, spec, min, max, label)                                         \
  { key, SETTING_INT, unit, def, origin, spec, min, max, NULL, label }
#define UNSET_INT(key, unit, spec, min, max, label)                                                \
  { key, SETTING_INT, unit, NULL, "unset", spec, min, max, NULL, label }
#define ALLOWANCE(kind, level, tier, label)                                                        \
  UNSET_INT("travel.allowance." kind "." level "." tier, "fen", "J3", 0, 10000000, label)

const struct setting_def setting_defs[] = {
    /* The company itself: named on warranty cards, notices and reports. */
    {"company.name", SETTING_TEXT, "", NULL, "unset", "B4", 1, 100, NULL, "公司名称"},
    /* Printed on the warranty card as the responsible department and how to reach it
     * (SPEC B4: "the responsible department and staff"). */
    {"company.service_department", SETTING_TEXT, "", "售后服务部", "ours", "B4", 1, 50, NULL,
     "保修负责部门"},
    {"company.service_phone", SETTING_TEXT, "", NULL, "unset", "B4", 1, 40, NULL,
     "售后服务部联系电话"},
    {"company.service_hotline", SETTING_TEXT, "", NULL, "unset", "C1", 1, 40, NULL,
     "服务热线(一拨就通)"},
    /* B: warranty (售后部门管理细则1 1)) */
    INT("warranty.company_months", "months", "12", "rulebook", "B2", 1, 240, "公司免费保修期"),
    INT("warranty.card_due_months", "months", "1", "rulebook", "B4", 1, 12,
        "保修卡须在工程竣工后几个月内发出"),
    /* C: the 24/48/72 commitment (应急维修时间安排) */
    INT("sla.onsite_hours", "hours", "24", "rulebook", "C2", 1, 720, "技术人员到达现场时限"),
    INT("sla.clear_hours", "hours", "48", "rulebook", "C2", 1, 720, "排除故障时限"),
    INT("sla.substitute_hours", "hours", "72", "rulebook", "C2", 1, 720,
        "未能解决时提供备品替代的时限"),
    INT("sla.warning_lead_minutes", "minutes", "120", "ours", "C2", 0, 10080,
        "到期前提前预警的时间"),
    {"sla.clock", SETTING_CHOICE, "", "calendar", "ours", "C2", 0, 0, "calendar,working",
     "时限按自然小时(calendar)或工作时间(working)计算"},
    {"sla.working_hours", SETTING_TIME_RANGES, "", "00:00-24:00", "ours", "C2", 0, 0, NULL,
     "按工作时间计时: 工作日内计时的时段"},
    {"sla.pause_for_customer_delay", SETTING_BOOL, "", "false", "ours", "C2", 0, 0, NULL,
     "客户原因延误时暂停计时(否则只记录并从技术人员考核中剔除)"},
    {"sla.escalation_chain", SETTING_TEXT, "", "dispatcher,engineering_manager,gm", "ours", "C2", 1,
     200, NULL, "超时逐级上报(角色, 按顺序)"},
    INT("sla.escalation_step_minutes", "minutes", "240", "ours", "C2", 10, 10080,
        "超时后每隔多久上报上一级"),
    /* C4 (work plan 3 §六.3: 在耗材超出预支时, 说明使用的地方并注明原因): the rulebook names the
     * advance (预支) but no amount; ours is per visit. Above it a reason is required. */
    INT("ticket.consumables_allowance_fen", "fen", "10000", "ours", "C4", 0, 100000000,
        "每次上门耗材预支额度(超出须注明原因)"),
    /* Photos and documents on tickets (DESIGN.md: the size limit is a setting). */
    INT("attachments.max_bytes", "bytes", "10485760", "ours", "C4", 1024, 30000000,
        "单个附件(照片、文件)大小上限"),
    /* D: return visits and surveys (售后回访, 工作计划1-3) */
    INT("visit.interval_months", "months", "2", "rulebook", "D1", 1, 24,
        "保修期内回访间隔(至少每几个月一次)"),
    INT("visit.followup_days", "days", "7", "ours", "D2", 1, 90, "工单关闭后几天内回访确认"),
    /* D1, our readings (docs/visits.md): a last visit on the warranty's last day when it ends
     * between two regular ones; no visits planned before the day the company started with
     * shouhou (unset: none); the desk tries a customer again after a call that did not reach
     * them; a 1-5 score counts as satisfied from this score on (D5). */
    {"visit.final_at_expiry", SETTING_BOOL, "", "true", "ours", "D1", 0, 0, NULL,
     "保修期满当天安排最后一次回访(期满不在回访间隔上时)"},
    {"visit.plan_from", SETTING_DATE, "", NULL, "unset", "D1", 0, 0, NULL,
     "回访计划起始日(此日前到期的回访不安排; 不填: 不限)"},
    INT("visit.retry_minutes", "minutes", "120", "ours", "D3", 0, 10080,
        "电话未接通后隔多久再拨(落在下一个致电时段内)"),
    INT("visit.satisfied_min_score", "score", "4", "ours", "D5", 1, 5,
        "回访评分(1-5分)达到几分计为满意"),
    {"survey.campaign_months", SETTING_MONTHS, "", NULL, "unset", "D4", 0, 0, NULL,
     "每年集中满意度调查的月份(原文: 每年的x,x二个月)"},
    {"calls.hours", SETTING_TIME_RANGES, "", "09:00-12:00,14:00-20:00", "ours", "D3", 0, 0, NULL,
     "回访致电时段(避开过早、过晚和午休)"},
    INT("targets.visit_rate_permille", "permille", "1000", "rulebook", "D5", 0, 1000,
        "保修期内客户回访率目标"),
    INT("targets.satisfaction_permille", "permille", "980", "rulebook", "D5", 0, 1000,
        "服务满意率目标"),
    INT("targets.shipping_accuracy_permille", "permille", "980", "rulebook", "G2", 0, 1000,
        "配件出货正确率目标"),
    /* C2 states the commitment for each call but no rate to hold it to (SPEC H2 puts the SLA
     * of C2 on the dashboard): ours, docs/settings.md. */
    INT("targets.sla_on_time_permille", "permille", "950", "ours", "C2", 0, 1000,
        "24/48/72小时服务时限按时率目标"),
    /* E: complaints (投诉管理, 工作计划2 七, 十.2) */
    {"complaint.report_roles", SETTING_TEXT, "", "department_head", "ours", "E1", 1, 200, NULL,
     "投诉登记后立即通知的上级领导(角色, 按投诉地区)"},
    {"complaint.critical_report_roles", SETTING_TEXT, "", "vice_gm,gm", "ours", "E1", 1, 200, NULL,
     "严重投诉另外通知的领导(角色)"},
    INT("complaint.answer_days", "days", "3", "ours", "E2", 1, 60,
        "责任部门书面回复期限(自通知之日起的自然日)"),
    INT("complaint.repeat_days", "days", "365", "ours", "E4", 1, 3650,
        "同一客户同类投诉在几天内再次发生计为重复投诉"),
    /* H: rankings of the return-visit desk (售后部门管理细则2 五) */
    INT("ranking.bonus_first_fen", "fen", "50000", "rulebook", "H4", 0, 100000000, "冠军奖金"),
    INT("ranking.bonus_second_fen", "fen", "30000", "rulebook", "H4", 0, 100000000, "亚军奖金"),
    INT("ranking.bonus_third_fen", "fen", "10000", "rulebook", "H4", 0, 100000000, "季军奖金"),
    {"ranking.period", SETTING_CHOICE, "", "monthly", "ours", "H4", 0, 0,
     "weekly,monthly,quarterly,yearly", "评比周期"},
    {"ranking.measure", SETTING_CHOICE, "", "appraisal", "ours", "H4", 0, 0, "appraisal,sales",
     "评比依据(考核得分或销售业绩)"},
    /* I: attendance, leave, duty (考勤制度, 管理细则2) */
    {"attendance.office_start", SETTING_TIME, "", NULL, "unset", "I1", 0, 0, NULL, "上班时间"},
    {"attendance.office_end", SETTING_TIME, "", NULL, "unset", "I1", 0, 0, NULL, "下班时间"},
    INT("attendance.absence_threshold_minutes", "minutes", "30", "rulebook", "I1", 1, 480,
        "迟到、早退或离岗超过几分钟按旷工半天"),
    INT("attendance.desk_late_fine_fen", "fen", "500", "rulebook", "I1", 0, 100000,
        "回访组迟到早退每次交爱心基金"),
    INT("attendance.desk_grace_minutes", "minutes", "0", "ours", "I1", 0, 60,
        "回访组迟到早退的宽限分钟"),
    {"attendance.use_holiday_calendar", SETTING_BOOL, "", "true", "ours", "I1", 0, 0, NULL,
     "法定节假日与调休按工作日历"},
    INT("leave.department_head_max_days", "days", "1", "rulebook", "I2", 1, 30,
        "部门负责人可批准的事假天数上限(含)"),
    INT("duty.poor_fine_fen", "fen", "200", "rulebook", "I3", 0, 100000,
        "值日不到位每次交爱心基金"),
    INT("duty.skip_fine_fen", "fen", "1000", "rulebook", "I3", 0, 100000,
        "借故不值日每次交爱心基金"),
    /* J: business travel (出差管理制度) */
    INT("travel.advance_days_before", "days", "1", "rulebook", "J2", 0, 30,
        "出差借款须在出发前几天申请"),
    INT("travel.claim_deadline_days", "days", "7", "rulebook", "J2", 1, 90, "返回后几天内报销"),
    UNSET_INT("travel.pay_period_days", "days", "J2", 1, 92, "工资结算周期(借款逾期扣薪用)"),
    {"travel.noon", SETTING_TIME, "", "12:00", "rulebook", "J4", 0, 0, NULL,
     "出差天数计算的分界时刻"},
    {"travel.meal_times", SETTING_TIME_RANGES, "", NULL, "unset", "J4", 0, 0, NULL,
     "公司用餐时间(当日往返误餐补助用)"},
    INT("travel.same_day_meal_fen", "fen", "2000", "rulebook", "J4", 0, 100000,
        "当日往返每跨一个用餐时间补助"),
    INT("travel.training_meal_fen", "fen", "3000", "rulebook", "J4", 0, 100000,
        "培训、学习、支援每天伙食补助"),
    INT("travel.sleeper_min_km", "km", "800", "rulebook", "J3", 1, 10000,
        "乘火车可购硬卧的里程(含)"),
    INT("travel.sleeper_min_hours", "hours", "8", "rulebook", "J3", 1, 100,
        "乘火车可购硬卧的时长(含)"),
    INT("travel.hard_seat_bonus_percent", "percent", "50", "rulebook", "J3", 0, 100,
        "应乘硬卧改乘硬座的补贴比例(按硬座票价)"),
    INT("travel.hospitality_vgm_max_fen", "fen", "300000", "rulebook", "J3", 0, 1000000000,
        "业务招待须分管副总同意的上限(含)"),
    ALLOWANCE("lodging", "l1", "tier1", "住宿限额: 一般员工, 一类城市"),
    ALLOWANCE("lodging", "l1", "tier2", "住宿限额: 一般员工, 二类城市"),
    ALLOWANCE("lodging", "l1", "tier3", "住宿限额: 一般员工, 三类城市"),
    ALLOWANCE("lodging", "l2", "tier1", "住宿限额: 部长级, 一类城市"),
    ALLOWANCE("lodging", "l2", "tier2", "住宿限额: 部长级, 二类城市"),
    ALLOWANCE("lodging", "l2", "tier3", "住宿限额: 部长级, 三类城市"),
    ALLOWANCE("lodging", "l3", "tier1", "住宿限额: 副总级以上, 一类城市"),
    ALLOWANCE("lodging", "l3", "tier2", "住宿限额: 副总级以上, 二类城市"),
    ALLOWANCE("lodging", "l3", "tier3", "住宿限额: 副总级以上, 三类城市"),
    ALLOWANCE("meal", "l1", "tier1", "伙食补助: 一般员工, 一类城市"),
    ALLOWANCE("meal", "l1", "tier2", "伙食补助: 一般员工, 二类城市"),
    ALLOWANCE("meal", "l1", "tier3", "伙食补助: 一般员工, 三类城市"),
    ALLOWANCE("meal", "l2", "tier1", "伙食补助: 部长级, 一类城市"),
    ALLOWANCE("meal", "l2", "tier2", "伙食补助: 部长级, 二类城市"),
    ALLOWANCE("meal", "l2", "tier3", "伙食补助: 部长级, 三类城市"),
    ALLOWANCE("meal", "l3", "tier1", "伙食补助: 副总级以上, 一类城市"),
    ALLOWANCE("meal", "l3", "tier2", "伙食补助: 副总级以上, 二类城市"),
    ALLOWANCE("meal", "l3", "tier3", "伙食补助: 副总级以上, 三类城市"),
    /* K: the dormitory rulebook's one fine range (寝室管理制度) */
    INT("dormitory.fine_min_fen", "fen", "5000", "rulebook", "K2", 0, 10000000,
        "文明寝室违规罚款下限"),
    INT("dormitory.fine_max_fen", "fen", "10000", "rulebook", "K2", 0, 10000000,
        "文明寝室违规罚款上限"),
    /* L: sign-in (DESIGN.md "Auth": lifetimes and lockout thresholds are settings) */
    INT("auth.session_idle_minutes", "minutes", "120", "ours", "L", 5, 10080, "会话空闲超时"),
    INT("auth.session_absolute_hours", "hours", "12", "ours", "L", 1, 720, "会话最长有效期"),
    INT("auth.slow_after_failures", "count", "3", "ours", "L", 0, 100,
        "连续登录失败几次后开始限速"),
    INT("auth.lock_after_failures", "count", "10", "ours", "L", 0, 1000,
        "连续登录失败几次后锁定账号"),
    INT("auth.lock_minutes", "minutes", "15", "ours", "L", 1, 1440, "账号锁定时长"),
    INT("auth.address_max_failures", "count", "50", "ours", "L", 0, 100000,
        "同一地址在时间窗内允许的失败次数"),
    INT("auth.address_window_minutes", "minutes", "15", "ours", "L", 1, 1440, "按地址计数的时间窗"),
};

const size_t setting_def_count = sizeof setting_defs / sizeof setting_defs[0];
