-- 0004_tickets (SQLite): service tickets and the 24/48/72 commitment (SPEC C1-C7, B3), the
-- work calendar, attachments, the notification outbox and the job lease. Times UTC seconds,
-- dates 'YYYY-MM-DD' text, money fen.

-- Who to mail, and the secret of the personal iCalendar feed (only its hash is kept).
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN ical_token_hash TEXT;
CREATE UNIQUE INDEX users_ical_token ON users(ical_token_hash);
-- A customer who was late for a visit and had to be rescheduled is marked for the next
-- service (work plan 3 §三.2: 在下次服务时对以上客户做好标记).
ALTER TABLE customers ADD COLUMN late_marks INTEGER NOT NULL DEFAULT 0;

-- The work calendar: the years loaded, and the days that differ from Monday-Friday
-- (holidays, make-up working days). A year not listed is not loaded: never guessed.
CREATE TABLE calendar_years (
  year INTEGER PRIMARY KEY,
  source TEXT NOT NULL,               -- 'chinese-days 1.5.7', 'admin'
  loaded_at INTEGER NOT NULL,
  loaded_by INTEGER
) STRICT;
CREATE TABLE calendar_days (
  day TEXT PRIMARY KEY,               -- 'YYYY-MM-DD', local
  workday INTEGER NOT NULL,           -- 1: make-up working day (调休上班), 0: holiday
  name TEXT NOT NULL DEFAULT '',      -- '国庆节'
  updated_at INTEGER NOT NULL,
  updated_by INTEGER
) STRICT;

-- Ticket numbers per local day of the call: SH-20261128-0007.
CREATE TABLE ticket_counters (
  day TEXT PRIMARY KEY,               -- 'YYYYMMDD'
  last INTEGER NOT NULL
) STRICT;

CREATE TABLE tickets (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  project_id INTEGER REFERENCES projects(id),
  equipment_id INTEGER REFERENCES equipment(id),
  region_code TEXT NOT NULL REFERENCES regions(code),  -- the site's: scope and dispatch
  dealer_id INTEGER,                  -- the customer's dealer at intake: dealer scope
  channel TEXT NOT NULL,              -- dictionary ticket_channel (SPEC C1)
  contact_name TEXT NOT NULL DEFAULT '',
  contact_phone TEXT NOT NULL DEFAULT '',
  site_address TEXT NOT NULL DEFAULT '',
  fault TEXT NOT NULL,
  called_at INTEGER NOT NULL,         -- the clock starts here (SPEC C2)
  status TEXT NOT NULL,               -- new assigned on_site cleared closed cancelled
  owner_id INTEGER NOT NULL REFERENCES users(id),  -- 首问负责: the first agent, to the end
  handler_id INTEGER NOT NULL REFERENCES users(id),  -- who holds it now (after hand-overs)
  technician_id INTEGER REFERENCES users(id),
  assigned_at INTEGER,
  warranty_state TEXT NOT NULL,       -- on the call's day: in_warranty, paid_maintenance, ...
  parts_free INTEGER NOT NULL,        -- B3: parts free from the company
  warranty_text TEXT NOT NULL DEFAULT '',
  sla_clock TEXT NOT NULL,            -- the policy applied: calendar or working
  sla_pause INTEGER NOT NULL,         -- customer-caused delays pause the clock
  arrived_at INTEGER,
  cleared_at INTEGER,
  substituted_at INTEGER,
  closed_at INTEGER,
  diagnosis TEXT NOT NULL DEFAULT '',
  work_done TEXT NOT NULL DEFAULT '',
  test_result TEXT NOT NULL DEFAULT '',
  extra_work TEXT NOT NULL DEFAULT '',  -- agreed in writing with the customer (责任界定)
  outcome TEXT,                       -- dictionary ticket_outcome (SPEC C7)
  labour_fen INTEGER NOT NULL DEFAULT 0,
  vehicle_cost_fen INTEGER NOT NULL DEFAULT 0,
  consumables_cost_fen INTEGER NOT NULL DEFAULT 0,
  consumables_reason TEXT NOT NULL DEFAULT '',
  signature_id INTEGER,               -- attachments row of the customer's signature
  signed_by TEXT NOT NULL DEFAULT '',
  signed_at INTEGER,
  customer_delay_seconds INTEGER NOT NULL DEFAULT 0,
  search_text TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER,
  version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX tickets_region ON tickets(region_code, id);
CREATE INDEX tickets_status ON tickets(status, id);
CREATE INDEX tickets_technician ON tickets(technician_id, status, id);
CREATE INDEX tickets_owner ON tickets(owner_id, status, id);
CREATE INDEX tickets_customer ON tickets(customer_id, id);
CREATE INDEX tickets_equipment ON tickets(equipment_id, id);
CREATE INDEX tickets_called ON tickets(called_at, id);

-- Each stage's deadline (onsite, clear, substitute) and each promised reply (promise, SPEC
-- C5). The SLA watch reads only rows whose next_check_at has come, by the partial index.
CREATE TABLE ticket_deadlines (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  stage TEXT NOT NULL,
  seq INTEGER NOT NULL,               -- 0 for stages; promises 1, 2, ...
  due_at INTEGER NOT NULL,
  warn_at INTEGER NOT NULL,
  appraisal_due_at INTEGER NOT NULL,  -- customer delays excluded: the technician's appraisal
  met_at INTEGER,
  warned_at INTEGER,
  breached_at INTEGER,
  level INTEGER NOT NULL DEFAULT 0,   -- escalation level reached
  next_check_at INTEGER,              -- NULL: nothing left to watch
  note TEXT NOT NULL DEFAULT '',
  created_by INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, stage, seq)
) STRICT;
CREATE INDEX ticket_deadlines_watch ON ticket_deadlines(next_check_at)
  WHERE next_check_at IS NOT NULL;

-- The timeline: every event in order with who and when.
CREATE TABLE ticket_events (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  at INTEGER NOT NULL,
  actor_id INTEGER,                   -- NULL: the system (SLA watch)
  kind TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'   -- JSON
) STRICT;
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, id);

-- Appointments agreed by phone (SPEC C3).
CREATE TABLE ticket_appointments (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  technician_id INTEGER NOT NULL REFERENCES users(id),
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  phoned_at INTEGER NOT NULL,
  agreed_with TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,               -- agreed, rescheduled, done, cancelled
  note TEXT NOT NULL DEFAULT '',
  sequence INTEGER NOT NULL DEFAULT 0,  -- iCalendar SEQUENCE: bumped on each change
  created_by INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ticket_appointments_ticket ON ticket_appointments(ticket_id, id);
CREATE INDEX ticket_appointments_technician ON ticket_appointments(technician_id, starts_at);

-- Lateness on either side (SPEC C3): a technician who calls ahead, a customer who is late.
CREATE TABLE ticket_delays (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  party TEXT NOT NULL,                -- technician or customer
  from_at INTEGER NOT NULL,
  to_at INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  rescheduled INTEGER NOT NULL DEFAULT 0,
  created_by INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ticket_delays_ticket ON ticket_delays(ticket_id, id);

-- Parts used, billed by B3: free in warranty, at the list price after.
CREATE TABLE ticket_parts (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  name TEXT NOT NULL,
  part_no TEXT NOT NULL DEFAULT '',
  quantity INTEGER NOT NULL,
  unit_price_fen INTEGER NOT NULL,    -- the manufacturer's list price
  free INTEGER NOT NULL,
  line_fen INTEGER NOT NULL,          -- what the customer pays for the line
  faulty_serial TEXT NOT NULL DEFAULT '',
  replacement_serial TEXT NOT NULL DEFAULT '',
  created_by INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ticket_parts_ticket ON ticket_parts(ticket_id, id);
CREATE INDEX ticket_parts_serial ON ticket_parts(faulty_serial);

-- Spare units lent while the faulty one is repaired (SPEC C2 72 h), until it goes back.
CREATE TABLE spare_loans (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  equipment_id INTEGER REFERENCES equipment(id),  -- the faulty unit
  faulty_serial TEXT NOT NULL DEFAULT '',
  spare_serial TEXT NOT NULL,
  spare_model TEXT NOT NULL,
  lent_at INTEGER NOT NULL,
  returned_at INTEGER,                -- the repaired unit went back, the spare came home
  note TEXT NOT NULL DEFAULT '',
  created_by INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX spare_loans_ticket ON spare_loans(ticket_id, id);
CREATE INDEX spare_loans_equipment ON spare_loans(equipment_id, id);
CREATE INDEX spare_loans_open ON spare_loans(returned_at, id);

-- Photos, documents and signatures, in the database (DESIGN.md "Data conventions").
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  owner_kind TEXT NOT NULL,           -- ticket (visits and complaints later)
  owner_id INTEGER NOT NULL,
  kind TEXT NOT NULL,                 -- photo, document, signature
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  data BLOB NOT NULL,
  created_by INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX attachments_owner ON attachments(owner_kind, owner_id, id);

-- After-sales receipts (售后回执单) returned by customers (SPEC C6).
CREATE TABLE receipts (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL UNIQUE REFERENCES tickets(id),
  receipt_no TEXT NOT NULL DEFAULT '',
  returned_on TEXT NOT NULL,
  signed_by TEXT NOT NULL DEFAULT '',
  satisfied INTEGER,                  -- as ticked on the paper, NULL if not ticked
  note TEXT NOT NULL DEFAULT '',
  search_text TEXT NOT NULL DEFAULT '',
  created_by INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX receipts_returned ON receipts(returned_on, id);

-- The transactional outbox: a notification is written in the unit that causes it; the
-- sender delivers mail later with retries. Rows double as the user's in-app inbox.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  user_id INTEGER REFERENCES users(id),
  to_address TEXT NOT NULL DEFAULT '',  -- '' : in-app only (the user has no mail address)
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  ticket_id INTEGER,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,            -- NULL: nothing to send (sent, failed or in-app)
  sent_at INTEGER,
  failed_at INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  read_at INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX outbox_user ON outbox(user_id, id);

-- Background jobs run on one node at a time: the holder renews its lease.
CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;

INSERT INTO dict_items (type, value, label_zh, label_en, tag_type, sort) VALUES
  ('ticket_channel', 'hotline', '服务热线', 'Hotline', 'primary', 1),
  ('ticket_channel', 'portal', '客户门户/网页', 'Web form / portal', '', 2),
  ('ticket_channel', 'email', '电子邮件', 'Email', '', 3),
  ('ticket_channel', 'im', '即时通讯(微信/QQ)', 'Instant messaging', '', 4),
  ('ticket_channel', 'dealer', '经销商转报', 'Dealer', '', 5),
  ('ticket_outcome', 'repaired', '修复', 'Repaired', 'success', 1),
  ('ticket_outcome', 'substituted', '备品替代', 'Spare substituted', 'warning', 2),
  ('ticket_outcome', 'returned', '退货', 'Returned', 'info', 3),
  ('ticket_outcome', 'exchanged', '换货', 'Exchanged', 'info', 4),
  ('ticket_outcome', 'rework', '返工', 'Rework', 'warning', 5),
  ('ticket_outcome', 'scrap', '报废', 'Scrap', 'danger', 6),
  ('ticket_outcome', 'no_fault', '无故障/远程解决', 'No fault / solved remotely', 'info', 7);
