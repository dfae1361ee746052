-- 0005_open_deadlines: which deadlines are still running — not met, and their ticket not
-- closed or cancelled — so that "what is due within the next hour" (the dispatcher's board,
-- GET /api/v1/tickets?due_within_minutes=) is found by an index instead of a scan of every
-- ticket. The domain keeps the column: 0 once a stage is met or its ticket closes.
ALTER TABLE ticket_deadlines ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
UPDATE ticket_deadlines SET active = 0
  WHERE met_at IS NOT NULL
     OR ticket_id IN (SELECT id FROM tickets WHERE status IN ('closed', 'cancelled'));
CREATE INDEX ticket_deadlines_open ON ticket_deadlines(due_at, ticket_id) WHERE active = 1;
