-- 0008_kpi_indexes: the managers' dashboard (issue 6, GET /api/v1/kpi/tickets) counts the
-- deadlines due in a period and the tickets closed in it. Without these the count reads every
-- deadline through the tickets (a scan of the whole table for a week's trend); with them a
-- period reads only its own rows — the deadlines' columns the count needs from the index
-- itself (covering), each ticket's status, close and region by its key.
CREATE INDEX ticket_deadlines_due ON ticket_deadlines(due_at, ticket_id, stage, met_at);
CREATE INDEX tickets_closed ON tickets(closed_at) WHERE closed_at IS NOT NULL;
