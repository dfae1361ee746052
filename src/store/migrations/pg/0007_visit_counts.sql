-- 0007_visit_counts (PostgreSQL): the return-visit KPIs (SPEC D5) read from counts kept per day, region
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
  leader_id BIGINT NOT NULL,         -- 0: no leader named
  on_time BIGINT NOT NULL DEFAULT 0,
  late BIGINT NOT NULL DEFAULT 0,
  undone BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (due_date, region_code, leader_id)
);
CREATE TABLE visit_done_days (
  done_on TEXT NOT NULL,
  region_code TEXT NOT NULL,
  leader_id BIGINT NOT NULL,
  satisfied BIGINT NOT NULL DEFAULT 0,  -- explicit answers: satisfied
  answered BIGINT NOT NULL DEFAULT 0,   -- explicit answers: given
  s1 BIGINT NOT NULL DEFAULT 0,         -- no explicit answer: scores 1..5
  s2 BIGINT NOT NULL DEFAULT 0,
  s3 BIGINT NOT NULL DEFAULT 0,
  s4 BIGINT NOT NULL DEFAULT 0,
  s5 BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (done_on, region_code, leader_id)
);

-- r's contribution times sign (+1 in, -1 out).
CREATE FUNCTION visits_count_row(r visits, sign BIGINT) RETURNS void AS $$
BEGIN
  IF r.kind = 'planned' THEN
    INSERT INTO visit_due_days AS d (due_date, region_code, leader_id, on_time, late, undone)
    VALUES (r.due_date, r.region_code, COALESCE(r.leader_id, 0),
      sign * CASE WHEN r.status IN ('done', 'partial') AND r.done_on <= r.due_date THEN 1 ELSE 0 END,
      sign * CASE WHEN r.status IN ('done', 'partial') AND r.done_on > r.due_date THEN 1 ELSE 0 END,
      sign * CASE WHEN r.status = 'planned' THEN 1 ELSE 0 END)
    ON CONFLICT (due_date, region_code, leader_id) DO UPDATE SET
      on_time = d.on_time + EXCLUDED.on_time, late = d.late + EXCLUDED.late,
      undone = d.undone + EXCLUDED.undone;
  END IF;
  IF r.done_on IS NOT NULL THEN
    INSERT INTO visit_done_days AS d (done_on, region_code, leader_id, satisfied, answered,
      s1, s2, s3, s4, s5)
    VALUES (r.done_on, r.region_code, COALESCE(r.leader_id, 0),
      sign * CASE WHEN r.satisfied = 1 THEN 1 ELSE 0 END,
      sign * CASE WHEN r.satisfied IN (0, 1) THEN 1 ELSE 0 END,
      sign * CASE WHEN COALESCE(r.satisfied, -1) NOT IN (0, 1) AND r.score = 1 THEN 1 ELSE 0 END,
      sign * CASE WHEN COALESCE(r.satisfied, -1) NOT IN (0, 1) AND r.score = 2 THEN 1 ELSE 0 END,
      sign * CASE WHEN COALESCE(r.satisfied, -1) NOT IN (0, 1) AND r.score = 3 THEN 1 ELSE 0 END,
      sign * CASE WHEN COALESCE(r.satisfied, -1) NOT IN (0, 1) AND r.score = 4 THEN 1 ELSE 0 END,
      sign * CASE WHEN COALESCE(r.satisfied, -1) NOT IN (0, 1) AND r.score = 5 THEN 1 ELSE 0 END)
    ON CONFLICT (done_on, region_code, leader_id) DO UPDATE SET
      satisfied = d.satisfied + EXCLUDED.satisfied, answered = d.answered + EXCLUDED.answered,
      s1 = d.s1 + EXCLUDED.s1, s2 = d.s2 + EXCLUDED.s2, s3 = d.s3 + EXCLUDED.s3,
      s4 = d.s4 + EXCLUDED.s4, s5 = d.s5 + EXCLUDED.s5;
  END IF;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION visits_count() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM visits_count_row(OLD, -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM visits_count_row(NEW, 1);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

-- Updates fire it only through the columns the counts read.
CREATE TRIGGER visits_count AFTER INSERT OR DELETE OR UPDATE OF kind, due_date, region_code,
  leader_id, status, done_on, satisfied, score ON visits
  FOR EACH ROW EXECUTE FUNCTION visits_count();
