-- 0003_installed_base (SQLite): dealers, suppliers, projects, equipment units and warranty
-- cards (SPEC A3, A4, B1-B4). Dates are 'YYYY-MM-DD' text; times UTC seconds; money fen.

CREATE TABLE dealers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  region_code TEXT NOT NULL REFERENCES regions(code),
  contact_person TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  contract_no TEXT NOT NULL DEFAULT '',
  contract_start TEXT,
  contract_end TEXT,
  service_station INTEGER NOT NULL DEFAULT 0,  -- an independent service station (SPEC A3)
  station_since TEXT,
  note TEXT NOT NULL DEFAULT '',
  search_text TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at INTEGER
) STRICT;
CREATE INDEX dealers_region ON dealers(region_code, id);
CREATE INDEX dealers_created ON dealers(created_at, id);

-- Assessments of after-sales capability (with a score), training given, supervision
-- findings and penalties under the dealer contract (SPEC A3; work plan 2 §六).
CREATE TABLE dealer_records (
  id INTEGER PRIMARY KEY,
  dealer_id INTEGER NOT NULL REFERENCES dealers(id),
  kind TEXT NOT NULL,                 -- dictionary dealer_record_kind
  held_on TEXT NOT NULL,              -- the day of the assessment, training or check
  score INTEGER,                      -- assessments: 0..100
  topic TEXT NOT NULL DEFAULT '',
  findings TEXT NOT NULL DEFAULT '',
  penalty TEXT NOT NULL DEFAULT '',   -- supervision: the measure under the contract
  penalty_fen INTEGER,                -- supervision: a fine, if any
  recorded_by INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX dealer_records_dealer ON dealer_records(dealer_id, held_on, id);

CREATE TABLE suppliers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  region_code TEXT REFERENCES regions(code),
  contact_person TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  supplies TEXT NOT NULL DEFAULT '',  -- what they supply
  outsourced INTEGER NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '',
  search_text TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at INTEGER
) STRICT;
CREATE INDEX suppliers_created ON suppliers(created_at, id);

-- Audits of outsourced suppliers with findings (SPEC A4; work plan 1 §三.1).
CREATE TABLE supplier_audits (
  id INTEGER PRIMARY KEY,
  supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
  audited_on TEXT NOT NULL,
  result TEXT NOT NULL,               -- dictionary supplier_audit_result
  findings TEXT NOT NULL DEFAULT '',
  recorded_by INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX supplier_audits_supplier ON supplier_audits(supplier_id, audited_on, id);

CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  name TEXT NOT NULL,
  site_region_code TEXT NOT NULL REFERENCES regions(code),
  site_address TEXT NOT NULL DEFAULT '',
  project_manager_id INTEGER REFERENCES users(id),
  completion_date TEXT,               -- 竣工
  acceptance_date TEXT,               -- 验收: the warranty starts (SPEC B2)
  card_number TEXT,                   -- the warranty card, once issued (SPEC B4)
  card_issued_on TEXT,
  card_issue_method TEXT,             -- dictionary card_issue_method
  card_issued_by INTEGER,
  note TEXT NOT NULL DEFAULT '',
  search_text TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at INTEGER
) STRICT;
CREATE INDEX projects_customer ON projects(customer_id, id);
CREATE INDEX projects_completion ON projects(completion_date, id);
CREATE INDEX projects_created ON projects(created_at, id);
CREATE UNIQUE INDEX projects_card_number ON projects(card_number);

CREATE TABLE equipment (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),  -- the project's, kept for scope
  serial_no TEXT NOT NULL,
  model TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL,             -- dictionary equipment_category
  supplier_id INTEGER REFERENCES suppliers(id),
  batch TEXT NOT NULL DEFAULT '',     -- production batch (SPEC F2)
  sold_by_company INTEGER NOT NULL DEFAULT 1,
  install_site TEXT NOT NULL DEFAULT '',
  manufacturer_months INTEGER NOT NULL DEFAULT 0,
  acceptance_date TEXT,               -- only where it differs from the project's
  note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at INTEGER
) STRICT;
-- A serial number is unique per model (issue 3), among the units not deleted.
CREATE UNIQUE INDEX equipment_model_serial ON equipment(model, serial_no) WHERE deleted_at IS NULL;
CREATE INDEX equipment_project ON equipment(project_id, id);
CREATE INDEX equipment_customer ON equipment(customer_id, id);
CREATE INDEX equipment_serial ON equipment(serial_no);
CREATE INDEX equipment_supplier_batch ON equipment(supplier_id, batch);

INSERT INTO dict_items (type, value, label_zh, label_en, tag_type, sort) VALUES
  ('dealer_record_kind', 'assessment', '售后能力评估', 'Capability assessment', 'primary', 1),
  ('dealer_record_kind', 'training', '培训', 'Training', 'success', 2),
  ('dealer_record_kind', 'supervision', '监督检查', 'Supervision', 'warning', 3),
  ('supplier_audit_result', 'passed', '合格', 'Passed', 'success', 1),
  ('supplier_audit_result', 'conditional', '限期整改', 'Corrective action required', 'warning', 2),
  ('supplier_audit_result', 'failed', '不合格', 'Failed', 'danger', 3),
  ('card_issue_method', 'in_person', '当面交付', 'Handed over', '', 1),
  ('card_issue_method', 'post', '邮寄', 'By post', '', 2),
  ('card_issue_method', 'courier', '快递', 'By courier', '', 3),
  ('card_issue_method', 'electronic', '电子版', 'Electronic copy', '', 4),
  ('equipment_category', 'surveillance', '监控设备', 'Video surveillance', '', 1),
  ('equipment_category', 'perimeter_alarm', '周界报警', 'Perimeter alarm', '', 2),
  ('equipment_category', 'video_intercom', '可视对讲', 'Video intercom', '', 3),
  ('equipment_category', 'parking', '停车场管理', 'Parking management', '', 4),
  ('equipment_category', 'access_control', '门禁系统', 'Access control', '', 5),
  ('equipment_category', 'vehicle', '车辆', 'Vehicle', '', 10),
  ('equipment_category', 'motor', '电机', 'Motor', '', 11),
  ('equipment_category', 'controller', '控制器', 'Controller', '', 12),
  ('equipment_category', 'rear_axle', '后桥', 'Rear axle', '', 13),
  ('equipment_category', 'differential', '差速器', 'Differential', '', 14),
  ('equipment_category', 'frame', '车架', 'Frame', '', 15),
  ('equipment_category', 'front_shock', '前减震', 'Front shock absorber', '', 16),
  ('equipment_category', 'rim_welding', '轮辋焊合', 'Rim welding', '', 17),
  ('equipment_category', 'machinery', '机械设备', 'Machinery', '', 20),
  ('equipment_category', 'other', '其他', 'Other', '', 99);
