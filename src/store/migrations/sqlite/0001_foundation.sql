-- 0001_foundation (SQLite): regions, users and access, settings, audit, customers (SPEC A1, A2, L).
-- Times are UTC epoch seconds; money is integer fen; booleans are 0/1.

CREATE TABLE regions (
  code TEXT PRIMARY KEY,            -- GB/T 2260, six digits
  name TEXT NOT NULL,
  parent_code TEXT,
  level INTEGER NOT NULL,           -- 1 province, 2 city, 3 district
  administrative INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT,
  dealer_id INTEGER,
  customer_id INTEGER,
  active INTEGER NOT NULL DEFAULT 1,
  
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE user_regions (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code TEXT NOT NULL,               -- the granted GB/T 2260 code
  prefix TEXT NOT NULL,             -- the code without trailing 00 pairs ('' for 000000)
  PRIMARY KEY (user_id, code)
) STRICT;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  address TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  last_used_at INTEGER
) STRICT;

-- Failed sign-ins, per account name ('user:NAME', whether or not the account exists, so
-- a lockout tells nothing about which names exist) and per client address ('addr:IP').
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL DEFAULT 0,
  window_start INTEGER NOT NULL DEFAULT 0,
  last_failed_at INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by INTEGER,
  version INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE dict_items (
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  label_zh TEXT NOT NULL,
  label_en TEXT NOT NULL,
  tag_type TEXT NOT NULL DEFAULT '',
  sort INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (type, value)
) STRICT;

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_id INTEGER,
  actor_name TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER,
  action TEXT NOT NULL,
  changes TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_entity ON audit(entity, entity_id, id);
CREATE INDEX audit_at ON audit(at, id);

CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  region_code TEXT NOT NULL REFERENCES regions(code),
  address TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  responsible_person TEXT NOT NULL DEFAULT '',
  customer_group TEXT NOT NULL DEFAULT '',
  product_types TEXT NOT NULL DEFAULT '[]',
  key_customer INTEGER NOT NULL DEFAULT 0,
  dealer_id INTEGER,
  note TEXT NOT NULL DEFAULT '',
  name_folded TEXT NOT NULL DEFAULT '',  -- name with widths and case folded, for ranking
  search_text TEXT NOT NULL DEFAULT '',  -- name, phones, addresses, contacts folded
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at INTEGER
) STRICT;
CREATE INDEX customers_region ON customers(region_code, id);
CREATE INDEX customers_dealer ON customers(dealer_id, id);
CREATE INDEX customers_name ON customers(name, id);
CREATE INDEX customers_updated ON customers(updated_at, id);
CREATE INDEX customers_created ON customers(created_at, id);

CREATE TABLE customer_contacts (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  is_primary INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL
) STRICT;
CREATE INDEX customer_contacts_customer ON customer_contacts(customer_id, position);

CREATE TABLE customer_addresses (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  label TEXT NOT NULL DEFAULT '',
  region_code TEXT NOT NULL REFERENCES regions(code),
  detail TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL
) STRICT;
CREATE INDEX customer_addresses_customer ON customer_addresses(customer_id, position);

-- Substring search of any length: trigram FTS for 3+ characters, instr() below that.
-- Case-sensitive, because search_text is folded already: otherwise a 3-character query
-- would fold Cyrillic or accented letters that instr() and PostgreSQL do not, and what a
-- search finds would depend on the length of the query.
CREATE VIRTUAL TABLE customers_fts USING fts5(search_text, content='customers',
  content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
  INSERT INTO customers_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
  INSERT INTO customers_fts(customers_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF search_text ON customers BEGIN
  INSERT INTO customers_fts(customers_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
  INSERT INTO customers_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TABLE idempotency_keys (
  user_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  route TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) STRICT;
