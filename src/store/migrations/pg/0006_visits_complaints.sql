-- 0006_visits_complaints (PostgreSQL): return visits, call lists, quick phrases, satisfaction surveys and
-- complaints (SPEC D1-D5, E1-E4). Times UTC seconds, dates 'YYYY-MM-DD' local text.

-- Return visits (回访). A planned visit is the n-th of a project's plan over its warranty
-- (D1: 保修期内至少每二个月回访一次); a follow-up visit confirms a closed ticket (D2).
CREATE TABLE visits (
  id BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL,                 -- planned | followup
  project_id BIGINT REFERENCES projects(id),  -- planned: the project; followup: the ticket's
  ticket_id BIGINT REFERENCES tickets(id),    -- followup: the closed ticket
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  region_code TEXT NOT NULL REFERENCES regions(code),  -- the site's: scope
  seq BIGINT NOT NULL DEFAULT 0,     -- planned: 1, 2, ... in the plan; followup: 0
  due_date TEXT NOT NULL,             -- by the rule: the KPI measures against this date
  planned_date TEXT NOT NULL,         -- the engineering manager's date (due_date until moved)
  moved_reason TEXT NOT NULL DEFAULT '',
  leader_id BIGINT REFERENCES users(id),  -- the project manager who leads the visit
  status TEXT NOT NULL,               -- planned done partial cancelled
  carried_items TEXT NOT NULL DEFAULT '',    -- left open by the previous visit (partial)
  unfinished_items TEXT NOT NULL DEFAULT '', -- what this visit leaves for the next one
  done_on TEXT,                       -- the local day of the visit
  method TEXT,                        -- phone | on_site
  findings TEXT NOT NULL DEFAULT '',
  opinion TEXT NOT NULL DEFAULT '',   -- the customer's own words
  score BIGINT,                      -- 1..5
  satisfied BIGINT,                  -- 1 satisfied / 0 not, as the seed counts (D5)
  reported_by BIGINT REFERENCES users(id),
  reported_at BIGINT,
  attempts BIGINT NOT NULL DEFAULT 0,  -- calls made
  retry_at BIGINT,                   -- no answer: off the call list until then
  cancelled_reason TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  created_by BIGINT,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX visits_plan ON visits(project_id, seq) WHERE kind = 'planned';
CREATE UNIQUE INDEX visits_followup ON visits(ticket_id) WHERE kind = 'followup';
-- The call list: open visits by date.
CREATE INDEX visits_open ON visits(planned_date, id) WHERE status = 'planned';
-- The list of missing and late visits (the KPIs read the day counts of 0007).
CREATE INDEX visits_due ON visits(due_date, kind, status, done_on, region_code, leader_id);
CREATE INDEX visits_ticket ON visits(ticket_id);
CREATE INDEX visits_customer ON visits(customer_id, id);

-- What the planner last planned a project from, so a pass rewrites only what changed.
ALTER TABLE projects ADD COLUMN visit_plan_key TEXT NOT NULL DEFAULT '';

-- Every call of the return-visit desk: when, how long, what came of it (D3).
CREATE TABLE visit_calls (
  id BIGSERIAL PRIMARY KEY,
  visit_id BIGINT NOT NULL REFERENCES visits(id),
  agent_id BIGINT NOT NULL REFERENCES users(id),
  called_at BIGINT NOT NULL,
  duration_seconds BIGINT NOT NULL,
  result TEXT NOT NULL,               -- dictionary call_result
  note TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX visit_calls_visit ON visit_calls(visit_id, id);
CREATE INDEX visit_calls_agent ON visit_calls(agent_id, called_at);

-- Defects a visit found; each becomes corrective work (a ticket) at once (D1).
CREATE TABLE visit_defects (
  id BIGSERIAL PRIMARY KEY,
  visit_id BIGINT NOT NULL REFERENCES visits(id),
  equipment_id BIGINT REFERENCES equipment(id),
  description TEXT NOT NULL,
  ticket_id BIGINT NOT NULL REFERENCES tickets(id),
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX visit_defects_visit ON visit_defects(visit_id, id);

-- Visits that come back to the desk as events (moved, called, reported, ...).
CREATE TABLE visit_events (
  id BIGSERIAL PRIMARY KEY,
  visit_id BIGINT NOT NULL REFERENCES visits(id),
  at BIGINT NOT NULL,
  actor_id BIGINT,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX visit_events_visit ON visit_events(visit_id, id);

-- Quick phrases (快捷短语) the desk inserts while calling (D3).
CREATE TABLE quick_phrases (
  id BIGSERIAL PRIMARY KEY,
  category TEXT NOT NULL,             -- greeting, visit, survey, complaint, closing, ...
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  sort BIGINT NOT NULL DEFAULT 0,
  disabled BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  created_by BIGINT,
  version BIGINT NOT NULL DEFAULT 1
);

-- Satisfaction survey campaigns (D4) over a chosen set of customers, with the questions an
-- administrator defines.
CREATE TABLE surveys (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  status TEXT NOT NULL,               -- draft open closed
  note TEXT NOT NULL DEFAULT '',
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE TABLE survey_questions (
  id BIGSERIAL PRIMARY KEY,
  survey_id BIGINT NOT NULL REFERENCES surveys(id),
  ordinal BIGINT NOT NULL,           -- 1, 2, ... the order asked
  text TEXT NOT NULL,
  kind TEXT NOT NULL,                 -- score (1..5) | yes_no | text
  required BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX survey_questions_ordinal ON survey_questions(survey_id, ordinal);
CREATE TABLE survey_targets (
  survey_id BIGINT NOT NULL REFERENCES surveys(id),
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  status TEXT NOT NULL,               -- pending answered declined
  answered_at BIGINT,
  answered_by BIGINT,
  PRIMARY KEY (survey_id, customer_id)
);
CREATE TABLE survey_answers (
  survey_id BIGINT NOT NULL REFERENCES surveys(id),
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  question_id BIGINT NOT NULL REFERENCES survey_questions(id),
  score BIGINT,
  yes BIGINT,
  text TEXT,
  PRIMARY KEY (survey_id, customer_id, question_id)
);
CREATE INDEX survey_answers_question ON survey_answers(question_id);

-- Complaint categories (E4): an editable tree, the rulebook's classes as defaults.
CREATE TABLE complaint_categories (
  code TEXT PRIMARY KEY,
  parent_code TEXT REFERENCES complaint_categories(code),
  label_zh TEXT NOT NULL,
  label_en TEXT NOT NULL DEFAULT '',
  sort BIGINT NOT NULL DEFAULT 0,
  disabled BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL DEFAULT 0,
  updated_by BIGINT
);

-- Complaint numbers per local day of registration: TS-20261128-0003.
CREATE TABLE complaint_counters (
  day TEXT PRIMARY KEY,
  last BIGINT NOT NULL
);

-- Complaints (投诉, E1-E3): registered → assigned (written notices) → answered (every
-- department) → called_back (customer satisfied) → archived (read-only).
CREATE TABLE complaints (
  id BIGSERIAL PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  customer_id BIGINT NOT NULL REFERENCES customers(id),
  region_code TEXT NOT NULL REFERENCES regions(code),
  dealer_id BIGINT,
  channel TEXT NOT NULL,              -- dictionary complaint_channel
  complainant TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  received_at BIGINT NOT NULL,
  occurred_on TEXT,                   -- when the matter happened, if known
  facts TEXT NOT NULL,
  demand TEXT NOT NULL DEFAULT '',    -- what the customer asks for
  category TEXT NOT NULL REFERENCES complaint_categories(code),
  severity TEXT NOT NULL,             -- dictionary complaint_severity
  ticket_id BIGINT REFERENCES tickets(id),
  equipment_id BIGINT REFERENCES equipment(id),
  visit_id BIGINT REFERENCES visits(id),
  repeat_of BIGINT REFERENCES complaints(id),  -- an earlier one of the same class
  status TEXT NOT NULL,
  owner_id BIGINT NOT NULL REFERENCES users(id),  -- the desk agent who follows it
  round BIGINT NOT NULL DEFAULT 1,   -- handling rounds (a dissatisfied callback: +1)
  callback_at BIGINT,
  callback_by BIGINT,
  callback_satisfied BIGINT,
  callback_note TEXT NOT NULL DEFAULT '',
  archived_at BIGINT,
  archived_by BIGINT,
  search_text TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  created_by BIGINT,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX complaints_status ON complaints(status, id);
CREATE INDEX complaints_customer_category ON complaints(customer_id, category, received_at);
CREATE INDEX complaints_received ON complaints(received_at, id);

-- A written notice to one responsible department and the department's answer (E2).
CREATE TABLE complaint_assignments (
  id BIGSERIAL PRIMARY KEY,
  complaint_id BIGINT NOT NULL REFERENCES complaints(id),
  round BIGINT NOT NULL,
  department TEXT NOT NULL,           -- dictionary department
  responsible_id BIGINT NOT NULL REFERENCES users(id),
  notice_no TEXT NOT NULL UNIQUE,     -- TS-20261128-0003-1
  due_date TEXT NOT NULL,
  instructions TEXT NOT NULL DEFAULT '',
  notified_at BIGINT NOT NULL,
  root_cause TEXT NOT NULL DEFAULT '',
  corrective_action TEXT NOT NULL DEFAULT '',
  preventive_action TEXT NOT NULL DEFAULT '',
  answered_at BIGINT,
  answered_by BIGINT,
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX complaint_assignments_complaint ON complaint_assignments(complaint_id, id);
CREATE INDEX complaint_assignments_open ON complaint_assignments(due_date, id)
  WHERE answered_at IS NULL;

CREATE TABLE complaint_events (
  id BIGSERIAL PRIMARY KEY,
  complaint_id BIGINT NOT NULL REFERENCES complaints(id),
  at BIGINT NOT NULL,
  actor_id BIGINT,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX complaint_events_complaint ON complaint_events(complaint_id, id);

INSERT INTO complaint_categories (code, parent_code, label_zh, label_en, sort) VALUES
  ('product', NULL, '产品质量', 'Product quality', 1),
  ('drawing_mismatch', 'product', '零件与图纸不符', 'Part does not match drawing', 1),
  ('dimension_tolerance', 'product', '尺寸超差', 'Dimension out of tolerance', 2),
  ('hole_position', 'product', '孔位不一致', 'Hole position inconsistent', 3),
  ('surface_treatment', 'product', '表面处理', 'Surface treatment', 4),
  ('surface_finish', 'product', '表面光洁度', 'Surface finish', 5),
  ('service', NULL, '服务', 'Service', 2),
  ('service_attitude', 'service', '服务态度', 'Service attitude', 1),
  ('response_time', 'service', '响应时间', 'Response time', 2),
  ('billing', 'service', '收费', 'Billing', 3),
  ('delivery', 'service', '交付/交货', 'Delivery', 4),
  ('other', NULL, '其他', 'Other', 9);

INSERT INTO dict_items (type, value, label_zh, label_en, tag_type, sort) VALUES
  ('ticket_channel', 'visit', '回访发现', 'Found on a return visit', 'warning', 6),
  ('call_result', 'reached', '已接通', 'Reached', 'success', 1),
  ('call_result', 'no_answer', '无人接听', 'No answer', 'warning', 2),
  ('call_result', 'busy', '占线', 'Busy', 'warning', 3),
  ('call_result', 'call_back_later', '约定稍后再打', 'Call back later', 'info', 4),
  ('call_result', 'wrong_number', '号码错误', 'Wrong number', 'danger', 5),
  ('call_result', 'refused', '拒绝回访', 'Refused', 'danger', 6),
  ('visit_method', 'phone', '电话回访', 'By phone', '', 1),
  ('visit_method', 'on_site', '上门回访', 'On site', '', 2),
  ('complaint_channel', 'hotline', '投诉电话', 'Complaint hotline', 'primary', 1),
  ('complaint_channel', 'visit', '回访中发现', 'Found on a return visit', 'warning', 2),
  ('complaint_channel', 'email', '电子邮件', 'Email', '', 3),
  ('complaint_channel', 'im', '即时通讯(微信/QQ)', 'Instant messaging', '', 4),
  ('complaint_channel', 'letter', '信函', 'Letter', '', 5),
  ('complaint_channel', 'in_person', '来访', 'In person', '', 6),
  ('complaint_channel', 'dealer', '经销商转达', 'Through a dealer', '', 7),
  ('complaint_channel', 'market', '市场投诉', 'Market complaint', '', 8),
  ('complaint_severity', 'minor', '一般', 'Minor', 'info', 1),
  ('complaint_severity', 'major', '较重', 'Major', 'warning', 2),
  ('complaint_severity', 'critical', '严重', 'Critical', 'danger', 3),
  ('department', 'after_sales', '售后服务部', 'After-sales service', '', 1),
  ('department', 'engineering', '工程部', 'Engineering', '', 2),
  ('department', 'quality', '品质部', 'Quality', '', 3),
  ('department', 'production', '生产部', 'Production', '', 4),
  ('department', 'purchasing', '采购部', 'Purchasing', '', 5),
  ('department', 'warehouse', '仓库物流', 'Warehouse and logistics', '', 6),
  ('department', 'sales', '销售部/市场部', 'Sales and marketing', '', 7),
  ('department', 'finance', '财务部', 'Finance', '', 8);

INSERT INTO quick_phrases (category, title, text, sort, created_at, updated_at) VALUES
  ('greeting', '开场问候', '您好，我是售后服务部回访员，今天打扰您几分钟，想了解一下设备近期的使用情况，请问现在方便吗？', 1, 0, 0),
  ('visit', '询问使用情况', '请问设备最近运行是否正常？有没有出现故障或者使用上不清楚的地方？', 2, 0, 0),
  ('visit', '确认维修效果', '上次我们的技术人员上门处理的问题，现在是否已经完全解决？', 3, 0, 0),
  ('survey', '满意度询问', '您对我们这次的服务是否满意？如果用1到5分打分，您会打几分？', 4, 0, 0),
  ('complaint', '致歉并记录', '非常抱歉给您带来不便，您反映的情况我已经详细记录，会在第一时间反馈给相关部门处理，并尽快给您回复。', 5, 0, 0),
  ('closing', '结束语', '感谢您的支持与配合，有任何问题请随时拨打我们的服务热线，祝您生活愉快，再见！', 6, 0, 0);
