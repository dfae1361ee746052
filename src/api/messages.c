/* messages.c — error messages in zh-CN and en. "%s" stands for the field (or, where the
 * code concerns no field, the detail). Wording follows UI.md 7 (XX不能为空 …). */
#include "messages.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct message {
  const char *code;
  const char *zh;
  const char *en;
  bool value; /* "%s" is the detail (the offending value) when there is one, else the field */
};

static const struct message messages[] = {
    {"invalid_json", "请求内容不是有效的 JSON(%s)", "The body is not valid JSON (%s)", true},
    {"invalid_utf8", "内容含有无效的 UTF-8 字符: %s", "Invalid UTF-8 in %s"},
    {"duplicate_key", "字段重复: %s", "Duplicate key: %s"},
    {"body_not_object", "请求内容必须是 JSON 对象", "The body must be a JSON object"},
    {"invalid_character", "%s含有不允许的控制字符", "%s holds a control character"},
    {"unknown_field", "不支持的字段: %s", "Unknown field: %s"},
    {"wrong_type", "字段类型错误: %s", "Wrong type for %s"},
    {"field_required", "%s不能为空", "%s is required"},
    {"field_length", "%s长度超出允许范围", "%s has a length outside the allowed range"},
    {"out_of_range", "%s超出允许范围", "%s is out of range"},
    {"invalid_date", "%s不是有效日期(YYYY-MM-DD)", "%s is not a valid date (YYYY-MM-DD)"},
    {"invalid_phone", "请输入正确的电话号码: %s", "Enter a valid phone number: %s"},
    {"invalid_email", "请输入正确的邮箱地址: %s", "Enter a valid e-mail address: %s"},
    {"invalid_region", "地区编码无效: %s", "Invalid region code: %s", true},
    {"unknown_region", "地区编码不存在: %s", "Unknown region code: %s", true},
    {"region_not_granted", "您没有该地区的权限: %s", "That region is outside your regions: %s",
     true},
    {"invalid_choice", "%s的取值不在字典中", "%s is not a value of its dictionary"},
    {"too_many_items", "%s条目过多", "Too many items in %s"},
    {"more_than_one_primary", "只能有一个主要联系人", "Only one contact may be primary"},
    {"more_than_one_default", "只能有一个默认地址", "Only one address may be the default"},
    {"invalid_username", "用户名须为2到64位字母、数字或 _ . -",
     "A username is 2 to 64 letters, digits, _ . or -"},
    {"invalid_role", "角色无效: %s", "Invalid role: %s", true},
    {"field_readonly", "%s不可修改", "%s cannot be changed"},
    {"unknown_customer", "客户不存在: %s", "No such customer: %s"},
    {"unknown_user", "用户不存在或已停用: %s", "No such active user: %s"},
    {"unknown_parameter", "不支持的查询参数: %s", "Unknown query parameter: %s"},
    {"duplicate_parameter", "查询参数重复: %s", "Repeated query parameter: %s"},
    {"invalid_parameter", "查询参数无效: %s", "Invalid query parameter: %s"},
    {"invalid_cursor", "分页游标无效", "Invalid cursor"},
    {"page_window_exceeded", "结果太多, 请缩小查询范围(最多10000条)",
     "Too far into the results: narrow the filter (10 000 rows at most)"},
    {"invalid_credentials", "用户名或密码错误", "Wrong username or password"},
    {"too_many_attempts", "登录失败次数过多, 请稍后再试", "Too many failed attempts: try later"},
    {"unauthenticated", "请先登录", "Please sign in"},
    {"session_expired", "登录状态已过期, 请重新登录", "Your session expired: please sign in again"},
    {"invalid_token", "访问令牌无效或已撤销", "The API token is invalid or revoked"},
    {"csrf_failed", "请求缺少有效的 CSRF 令牌", "Missing or wrong CSRF token"},
    {"forbidden", "当前操作没有权限", "You are not allowed to do that"},
    {"not_found", "访问资源不存在", "Not found"},
    {"method_not_allowed", "不支持该请求方法", "Method not allowed"},
    {"stale_version", "数据已被他人修改, 请重新加载", "Someone else changed this: reload it"},
    {"duplicate", "%s已存在", "%s already exists"},
    {"constraint", "数据不满足约束条件", "The data breaks a constraint"},
    {"idempotency_key_reused", "幂等键已用于其他请求", "That Idempotency-Key was used elsewhere"},
    {"too_large", "请求内容过大", "The request is too large"},
    {"unsupported_media_type", "请求内容须为 application/json",
     "The body must be application/json"},
    {"setting_unset", "系统设置 %s 尚未配置, 请联系管理员",
     "The setting %s has no value yet: ask an administrator"},
    {"invalid_setting_value", "设置值无效(允许: %s)", "Invalid setting value (allowed: %s)", true},
    {"invalid_setting_order", "设置值顺序不对(须满足 %s)", "Settings out of order (needs %s)",
     true},
    {"export_too_large", "导出数据超过 %s 条, 请缩小查询范围",
     "More than %s rows: narrow the filter", true},
    {"field_not_applicable", "%s不适用于此类记录", "%s does not apply here"},
    {"end_before_start", "%s不能早于开始日期", "%s is before the start date"},
    {"date_in_future", "%s不能晚于今天", "%s cannot be later than today"},
    {"unknown_dealer", "经销商不存在: %s", "No such dealer: %s"},
    {"unknown_project", "工程项目不存在: %s", "No such project: %s"},
    {"unknown_supplier", "供应商不存在: %s", "No such supplier: %s"},
    /* uploads (multipart/form-data), images and calendars (issue 4) */
    {"not_multipart", "上传须使用 multipart/form-data 表单",
     "An upload must be a multipart/form-data form"},
    {"bad_boundary", "上传表单的分隔符(boundary)无效: %s", "The form's boundary is invalid: %s"},
    {"missing_boundary", "上传表单缺少起始分隔符", "The form does not start with its boundary"},
    {"truncated", "上传表单不完整(缺少结束分隔符)", "The form is cut short (no closing boundary)"},
    {"bad_part_header", "上传表单的字段头格式错误", "A part header of the form is malformed"},
    {"folded_header", "上传表单的字段头不能折行", "A part header of the form is folded"},
    {"no_content_disposition", "上传表单的字段缺少 Content-Disposition",
     "A part of the form has no Content-Disposition"},
    {"bad_content_disposition", "上传表单的 Content-Disposition 格式错误",
     "A part's Content-Disposition is malformed"},
    {"bad_transfer_encoding", "上传表单不支持该传输编码",
     "The form uses an unsupported transfer encoding"},
    {"filename_too_long", "文件名过长", "The file name is too long"},
    {"header_too_large", "上传表单的字段头过长", "A part header of the form is too long"},
    {"too_many_parts", "上传表单的字段过多", "The form has too many fields"},
    {"invalid_image", "图片无法识别: %s", "The image cannot be read: %s"},
    {"too_many_events", "日历事件过多", "Too many calendar events"},
    /* tickets (issue 4) */
    {"invalid_time", "%s不是有效时间(ISO 8601, 含时区)",
     "%s is not a valid time (ISO 8601 with offset)"},
    {"time_in_future", "%s不能晚于当前时间", "%s cannot be in the future"},
    {"unknown_equipment", "设备不存在: %s", "No such unit: %s"},
    {"equipment_not_customers", "该设备不属于此客户", "That unit does not belong to this customer"},
    {"technician_not_available", "该技术人员不可派工(须为在职巡回服务人员且负责该地区)",
     "That technician cannot take this ticket (an active technician covering its region)"},
    {"step_out_of_order", "当前状态下不能执行此操作: %s",
     "Not possible in the ticket's current state: %s"},
    {"ticket_closed", "工单已关闭或已取消", "The ticket is closed or cancelled"},
    {"not_cleared", "故障尚未排除", "The fault has not been cleared"},
    {"no_substitution", "尚未提供备品替代", "No spare unit has been put in"},
    {"signature_required", "请先由客户签字确认", "The customer's signature is needed first"},
    {"not_assigned", "工单尚未派工", "The ticket has no technician yet"},
    {"delay_overlaps", "与已登记的客户延误时间重叠", "Overlaps a customer delay already recorded"},
    {"too_many_delays", "延误登记次数过多", "Too many delays on one ticket"},
    {"already_returned", "该备品已归还", "That spare unit has already come back"},
    {"already_kept", "该承诺已答复", "That promise has already been kept"},
    {"invalid_signature", "签名图片无效(须为 PNG, 不超过512KB)",
     "The signature is not a valid PNG of at most 512 KB"},
    {"file_too_large", "文件过大(上限%s字节)", "The file is too large (limit %s bytes)", true},
    {"file_type_not_allowed", "只能上传 JPEG、PNG、WebP 图片或 PDF 文件",
     "Only JPEG, PNG or WebP images and PDF files can be uploaded"},
    {"file_type_mismatch", "文件内容与声明的类型不符(实为%s)",
     "The file's content does not match its declared type (it is %s)", true},
    {"consumables_reason_required", "耗材超出预支额度时须注明原因",
     "Consumables over the allowance need a reason"},
    {"invalid_sla_policy", "时限设置无效: %s", "The SLA settings are invalid: %s"},
    {"unknown_action", "未知操作", "Unknown action"},
    {"query_too_long", "查询内容过长", "The query is too long"},
    {"invalid_project_manager", "项目经理须为在职的项目经理或工程部经理",
     "The project manager must be an active project or engineering manager"},
    {"acceptance_before_completion", "验收日期不能早于竣工日期",
     "The acceptance date cannot be before the completion date"},
    {"issued_before_completion", "发卡日期不能早于竣工日期(%s)",
     "The card cannot be issued before completion (%s)", true},
    {"card_already_issued", "该工程的保修卡已发出(%s)", "The warranty card was already issued (%s)",
     true},
    {"project_not_completed", "工程尚未竣工, 不能发保修卡", "The project is not completed"},
    {"project_not_accepted", "工程尚未验收, 不能发保修卡", "The project is not accepted"},
    {"card_not_issued", "保修卡尚未发出", "The warranty card has not been issued"},
    {"project_has_equipment", "工程下还有%s台设备, 请先删除或转移",
     "The project still has %s units", true},
    {"project_without_equipment", "没有可列入保修卡的设备",
     "No unit with a free warranty term to print"},
    {"import_rejected", "导入数据有错误, 未导入任何数据(见错误清单)",
     "The file has errors: nothing was imported (see the list)"},
    {"unknown_column", "无法识别的列: %s", "Unknown column: %s", true},
    {"duplicate_column", "列重复: %s", "Repeated column: %s", true},
    {"missing_column", "缺少必需的列: %s", "A required column is missing: %s", true},
    {"ambiguous_name", "%s对应多条记录, 请改用编号区分",
     "%s matches more than one record: give the id instead"},
    {"duplicate_in_file", "与文件第%s行重复", "Repeats row %s of the file", true},
    {"calendar_not_loaded", "%s年的工作日历尚未导入", "The work calendar for %s is not loaded",
     true},
    /* survey campaigns (issue 5) */
    {"survey_not_draft", "调查已开始, 不能再修改或重新开始(当前: %s)",
     "The survey is no longer a draft (it is %s)", true},
    {"survey_not_open", "调查未在进行中(当前: %s)", "The survey is not open (it is %s)", true},
    {"survey_closed", "调查已结束, 不能再添加对象", "The survey is closed: no more targets"},
    {"not_a_target", "该客户不在本次调查对象中", "That customer is not a target of this survey"},
    {"already_answered", "该客户已答复过本次调查", "That customer has already responded"},
    {"unknown_question", "问题不属于本次调查: %s", "Not a question of this survey: %s"},
    /* complaints (issue 5) */
    {"complaint_wrong_state", "投诉当前状态下不能执行此操作(不能跳过处理步骤): %s",
     "Not possible in the complaint's current state (no step can be skipped): %s", true},
    {"complaint_archived", "投诉已归档, 不能再修改", "The complaint is archived and read-only"},
    {"unknown_category", "投诉类别不存在: %s", "No such complaint category: %s", true},
    {"category_disabled", "投诉类别已停用: %s", "That complaint category is disabled: %s", true},
    {"category_cycle", "不能把类别移到它自己或它的下级类别之下: %s",
     "A category cannot move under itself or its own subcategories: %s", true},
    {"invalid_category_code", "类别编码须以小写字母开头, 只含小写字母、数字和下划线: %s",
     "A category code starts with a lower-case letter and holds only a-z, 0-9 and _: %s", true},
    {"unknown_ticket", "工单不存在: %s", "No such ticket: %s"},
    {"unknown_visit", "回访记录不存在: %s", "No such return visit: %s"},
    {"link_not_customers", "%s不属于此客户", "%s does not belong to this customer"},
    {"department_already_assigned", "本轮已通知该部门: %s",
     "That department already has a notice in this round: %s", true},
    {"responsible_not_staff", "责任人须为在职的公司员工: %s",
     "The responsible person must be an active staff member: %s"},
    {"notice_already_answered", "该部门已回复: %s", "That department has already answered: %s",
     true},
    /* return visits (issue 5) */
    {"visit_cancelled", "该回访已取消", "The return visit is cancelled"},
    {"visit_already_reported", "该回访已提交回访报告",
     "The return visit has been reported already"},
    {"visit_before_acceptance", "回访日期不能早于工程验收日期(%s)",
     "A visit cannot be made before the project's acceptance (%s)", true},
    {"equipment_not_in_project", "该设备不属于本回访的工程: %s",
     "That unit is not one of the visited project's: %s"},
    {"unfinished_without_partial", "填写了未完成事项时须标记为部分完成(partial)",
     "Unfinished items need the visit marked partial"},
    {"date_in_past", "%s不能早于今天", "%s cannot be before today"},
    {"invalid_visit_leader", "带队人须为在职的项目经理或工程部经理, 且负责该地区",
     "The leader must be an active project or engineering manager covering the visit's region"},
    {"call_back_without_later", "只有「约定稍后再打」的结果才能填写回拨时间",
     "A call-back time goes only with the result call_back_later"},
    {"database_unavailable", "数据库暂时不可用, 请稍后再试",
     "The database is unavailable: try again"},
    {"database_busy", "系统繁忙, 请稍后再试", "The server is busy: try again"},
    {"disk_full", "磁盘空间已满, 无法保存", "The disk is full: nothing was saved"},
    {"commit_failed", "保存失败, 请重试", "Saving failed: try again"},
    {"transaction_aborted", "保存失败, 请重试", "Saving failed: try again"},
    {"database_error", "数据库错误, 请稍后再试", "Database error: try again"},
    {"shutting_down", "服务正在停止", "The server is shutting down"},
    {"malformed", "请求格式错误", "Malformed request"},
    {"invalid", "提交的数据无效", "Invalid data"},
    {"conflict", "数据冲突, 请重新加载后再试", "Conflicting change: reload and retry"},
    {"unavailable", "服务暂时不可用, 请稍后再试", "The service is unavailable: try again"},
    {"rate_limited", "请求过于频繁, 请稍后再试", "Too many requests: try later"},
    {"internal", "服务器内部错误", "Internal server error"},
    {"out_of_memory", "服务器内部错误", "Internal server error"},
    {"bad_request", "请求格式错误", "Bad request"},
};

static const struct message *find(const char *code) {
  for (size_t i = 0; i < sizeof messages / sizeof *messages; i++)
    if (strcmp(messages[i].code, code) == 0)
      return &messages[i];
  return NULL;
}

const char *api_message_code(size_t i) {
  return i < sizeof messages / sizeof *messages ? messages[i].code : NULL;
}

void api_message(enum api_lang lang, const struct sh_error *err, char *out, size_t n) {
  const struct message *m = find(err->code);
  if (!m)
    m = find(sh_strerror(err->status));
  if (!m)
    m = find("internal");
  const char *fmt = lang == API_LANG_EN ? m->en : m->zh;
  const char *arg = m->value && err->detail[0] ? err->detail
                    : err->field[0]            ? err->field
                                               : err->detail;
  const char *hole = strstr(fmt, "%s");
  if (!hole) {
    snprintf(out, n, "%s", fmt);
  } else if (*arg) {
    /* The format comes from the table above, never from input. */
    snprintf(out, n, "%.*s%s%s", (int)(hole - fmt), fmt, arg, hole + 2);
  } else {
    /* Nothing to name: drop the hole and the punctuation that introduced it. */
    size_t len = (size_t)(hole - fmt);
    while (len && strchr(" :(", fmt[len - 1]))
      len--;
    if (len >= 3 && strncmp(fmt + len - 3, "：", 3) == 0)
      len -= 3;
    const char *rest = hole + 2;
    if (*rest == ')')
      rest++;
    snprintf(out, n, "%.*s%s", (int)len, fmt, rest);
  }
}
