-- 0007_visit_counts: the return-visit KPIs (SPEC D5) read from counts kept per day, region
-- and leader instead of scanning every visit: the dashboard asks on every load, and a year
-- of visits for 100 000 projects is 600 000 rows. Triggers keep the counts in the same
-- transaction as any change to a visit, whoever makes it, so they never drift.
--   visit_due_days  planned visits by their rule's due date: on_time (done or partial on or
--                   before the due date), late (done after it), undone (still planned;
--                   missing or not yet due depending on the day asked). Cancelled: nowhere.
--   visit_done_days visits of both kinds by the day they were done: an explicit answer
--                   (satisfied 1 / answered 0 or 1), else the 1-5 score counted in s1..s5 so
--                   that visit.satisfied_min_score applies when the KPI is asked.
-- The columns mirror kpi_visit_classify and kpi_satisfied (src/rules/kpi.h).
CREATE TABLE visit_due_days (
  due_date TEXT NOT NULL,
  region_code TEXT NOT NULL,
  leader_id INTEGER NOT NULL,         -- 0: no leader named
  on_time INTEGER NOT NULL DEFAULT 0,
  late INTEGER NOT NULL DEFAULT 0,
  undone INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (due_date, region_code, leader_id)
) STRICT;
CREATE TABLE visit_done_days (
  done_on TEXT NOT NULL,
  region_code TEXT NOT NULL,
  leader_id INTEGER NOT NULL,
  satisfied INTEGER NOT NULL DEFAULT 0,  -- explicit answers: satisfied
  answered INTEGER NOT NULL DEFAULT 0,   -- explicit answers: given
  s1 INTEGER NOT NULL DEFAULT 0,         -- no explicit answer: scores 1..5
  s2 INTEGER NOT NULL DEFAULT 0,
  s3 INTEGER NOT NULL DEFAULT 0,
  s4 INTEGER NOT NULL DEFAULT 0,
  s5 INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (done_on, region_code, leader_id)
) STRICT;

CREATE TRIGGER visits_count_insert AFTER INSERT ON visits BEGIN
  INSERT INTO visit_due_days (due_date, region_code, leader_id, on_time, late, undone)
  SELECT NEW.due_date, NEW.region_code, COALESCE(NEW.leader_id, 0),
    CASE WHEN NEW.status IN ('done', 'partial') AND NEW.done_on <= NEW.due_date THEN 1 ELSE 0 END,
    CASE WHEN NEW.status IN ('done', 'partial') AND NEW.done_on > NEW.due_date THEN 1 ELSE 0 END,
    CASE WHEN NEW.status = 'planned' THEN 1 ELSE 0 END
  WHERE NEW.kind = 'planned'
  ON CONFLICT (due_date, region_code, leader_id) DO UPDATE SET on_time = on_time + excluded.on_time,
    late = late + excluded.late, undone = undone + excluded.undone;
  INSERT INTO visit_done_days (done_on, region_code, leader_id, satisfied, answered, s1, s2, s3, s4, s5)
  SELECT NEW.done_on, NEW.region_code, COALESCE(NEW.leader_id, 0),
    CASE WHEN NEW.satisfied = 1 THEN 1 ELSE 0 END,
    CASE WHEN NEW.satisfied IN (0, 1) THEN 1 ELSE 0 END,
    CASE WHEN COALESCE(NEW.satisfied, -1) NOT IN (0, 1) AND NEW.score = 1 THEN 1 ELSE 0 END,
    CASE WHEN COALESCE(NEW.satisfied, -1) NOT IN (0, 1) AND NEW.score = 2 THEN 1 ELSE 0 END,
    CASE WHEN COALESCE(NEW.satisfied, -1) NOT IN (0, 1) AND NEW.score = 3 THEN 1 ELSE 0 END,
    CASE WHEN COALESCE(NEW.satisfied, -1) NOT IN (0, 1) AND NEW.score = 4 THEN 1 ELSE 0 END,
    CASE WHEN COALESCE(NEW.satisfied, -1) NOT IN (0, 1) AND NEW.score = 5 THEN 1 ELSE 0 END
  WHERE NEW.done_on IS NOT NULL
  ON CONFLICT (done_on, region_code, leader_id) DO UPDATE SET
    satisfied = satisfied + excluded.satisfied, answered = answered + excluded.answered,
    s1 = s1 + excluded.s1, s2 = s2 + excluded.s2, s3 = s3 + excluded.s3, s4 = s4 + excluded.s4,
    s5 = s5 + excluded.s5;
END;

CREATE TRIGGER visits_count_delete AFTER DELETE ON visits BEGIN
  INSERT INTO visit_due_days (due_date, region_code, leader_id, on_time, late, undone)
  SELECT OLD.due_date, OLD.region_code, COALESCE(OLD.leader_id, 0),
    CASE WHEN OLD.status IN ('done', 'partial') AND OLD.done_on <= OLD.due_date THEN -1 ELSE 0 END,
    CASE WHEN OLD.status IN ('done', 'partial') AND OLD.done_on > OLD.due_date THEN -1 ELSE 0 END,
    CASE WHEN OLD.status = 'planned' THEN -1 ELSE 0 END
  WHERE OLD.kind = 'planned'
  ON CONFLICT (due_date, region_code, leader_id) DO UPDATE SET on_time = on_time + excluded.on_time,
    late = late + excluded.late, undone = undone + excluded.undone;
  INSERT INTO visit_done_days (done_on, region_code, leader_id, satisfied, answered, s1, s2, s3, s4, s5)
  SELECT OLD.done_on, OLD.region_code, COALESCE(OLD.leader_id, 0),
    CASE WHEN OLD.satisfied = 1 THEN -1 ELSE 0 END,
    CASE WHEN OLD.satisfied IN (0, 1) THEN -1 ELSE 0 END,
    CASE WHEN COALESCE(OLD.satisfied, -1) NOT IN (0, 1) AND OLD.score = 1 THEN -1 ELSE 0 END,
    CASE WHEN COALESCE(OLD.satisfied, -1) NOT IN (0, 1) AND OLD.score = 2 THEN -1 ELSE 0 END,
    CASE WHEN COALESCE(OLD.satisfied, -1) NOT IN (0, 1) AND OLD.score = 3 THEN -1 ELSE 0 END,
    CASE WHEN COALESCE(OLD.satisfied, -1) NOT IN (0, 1) AND OLD.score = 4 THEN -1 ELSE 0 END,
    CASE WHEN COALESCE(OLD.satisfied, -1) NOT IN (0, 1) AND OLD.score = 5 THEN -1 ELSE 0 END
  WHERE OLD.done_on IS NOT NULL
  ON CONFLICT (done_on, region_code, leader_id) DO UPDATE SET
    satisfied = satisfied + excluded.satisfied, answered = answered + excluded.answered,
    s1 = s1 + excluded.s1, s2 = s2 + excluded.s2, s3 = s3 + excluded.s3, s4 = s4 + excluded.s4,
    s5 = s5 + excluded.s5;
END;

-- Only the columns the counts read fire it.
CREATE TRIGGER visits_count_update AFTER UPDATE OF kind, due_date, region_code, leader_id, status, done_on, satisfied, score ON visits BEGIN
  INSERT INTO visit_due_days (due_date, region_code, leader_id, on_time, late, undone)
  SELECT OLD.due_date, OLD.region_code, COALESCE(OLD.leader_id, 0),
    CASE WHEN OLD.status IN ('done', 'partial') AND OLD.done_on <= OLD.due_date THEN -1 ELSE 0 END,
    CASE WHEN OLD.status IN ('done', 'partial') AND OLD.done_on > OLD.due_date THEN -1 ELSE 0 END,
    CASE WHEN OLD.status = 'planned' THEN -1 ELSE 0 END
  WHERE OLD.kind = 'planned'
  ON CONFLICT (due_date, region_code, leader_id) DO UPDATE SET on_time = on_time + excluded.on_time,
    late = late + excluded.late, undone = undone + excluded.undone;
  INSERT INTO visit_done_days (done_on, region_code, leader_id, satisfied, answered, s1, s2, s3, s4, s5)
  SELECT OLD.done_on, OLD.region_code, COALESCE(OLD.leader_id, 0),
    CASE WHEN OLD.satisfied = 1 THEN -1 ELSE 0 END,
    CASE WHEN OLD.satisfied IN (0, 1) THEN -1 ELSE 0 END,
    CASE WHEN COALESCE(OLD.satisfied, -1) NOT IN (0, 1) AND OLD.score = 1 THEN -1 ELSE 0 END,
    CASE WHEN COALESCE(OLD.satisfied, -1) NOT IN (0, 1) AND OLD.score = 2 THEN -1 ELSE 0 END,
    CASE WHEN COALESCE(OLD.satisfied, -1) NOT IN (0, 1) AND OLD.score = 3 THEN -1 ELSE 0 END,
    CASE WHEN COALESCE(OLD.satisfied, -1) NOT IN (0, 1) AND OLD.score = 4 THEN -1 ELSE 0 END,
    CASE WHEN COALESCE(OLD.satisfied, -1) NOT IN (0, 1) AND OLD.score = 5 THEN -1 ELSE 0 END
  WHERE OLD.done_on IS NOT NULL
  ON CONFLICT (done_on, region_code, leader_id) DO UPDATE SET
    satisfied = satisfied + excluded.satisfied, answered = answered + excluded.answered,
    s1 = s1 + excluded.s1, s2 = s2 + excluded.s2, s3 = s3 + excluded.s3, s4 = s4 + excluded.s4,
    s5 = s5 + excluded.s5;
  INSERT INTO visit_due_days (due_date, region_code, leader_id, on_time, late, undone)
  SELECT NEW.due_date, NEW.region_code, COALESCE(NEW.leader_id, 0),
    CASE WHEN NEW.status IN ('done', 'partial') AND NEW.done_on <= NEW.due_date THEN 1 ELSE 0 END,
    CASE WHEN NEW.status IN ('done', 'partial') AND NEW.done_on > NEW.due_date THEN 1 ELSE 0 END,
    CASE WHEN NEW.status = 'planned' THEN 1 ELSE 0 END
  WHERE NEW.kind = 'planned'
  ON CONFLICT (due_date, region_code, leader_id) DO UPDATE SET on_time = on_time + excluded.on_time,
    late = late + excluded.late, undone = undone + excluded.undone;
  INSERT INTO visit_done_days (done_on, region_code, leader_id, satisfied, answered, s1, s2, s3, s4, s5)
  SELECT NEW.done_on, NEW.region_code, COALESCE(NEW.leader_id, 0),
    CASE WHEN NEW.satisfied = 1 THEN 1 ELSE 0 END,
    CASE WHEN NEW.satisfied IN (0, 1) THEN 1 ELSE 0 END,
    CASE WHEN COALESCE(NEW.satisfied, -1) NOT IN (0, 1) AND NEW.score = 1 THEN 1 ELSE 0 END,
    CASE WHEN COALESCE(NEW.satisfied, -1) NOT IN (0, 1) AND NEW.score = 2 THEN 1 ELSE 0 END,
    CASE WHEN COALESCE(NEW.satisfied, -1) NOT IN (0, 1) AND NEW.score = 3 THEN 1 ELSE 0 END,
    CASE WHEN COALESCE(NEW.satisfied, -1) NOT IN (0, 1) AND NEW.score = 4 THEN 1 ELSE 0 END,
    CASE WHEN COALESCE(NEW.satisfied, -1) NOT IN (0, 1) AND NEW.score = 5 THEN 1 ELSE 0 END
  WHERE NEW.done_on IS NOT NULL
  ON CONFLICT (done_on, region_code, leader_id) DO UPDATE SET
    satisfied = satisfied + excluded.satisfied, answered = answered + excluded.answered,
    s1 = s1 + excluded.s1, s2 = s2 + excluded.s2, s3 = s3 + excluded.s3, s4 = s4 + excluded.s4,
    s5 = s5 + excluded.s5;
END;
