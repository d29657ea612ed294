-- Each item's state in intervals of recorded time, kept with every event in
-- the event's own transaction (trigger events_track_state), so that a
-- report "as of" a day reads one row per item by a range condition instead
-- of looking up each item's last event. An interval holds what the events
-- folded into it recorded: the kind, received date, batch, whether a reply
-- is needed, status, lead unit and due date of the last one's snapshot, the deadline extensions and transfers so far, and the
-- latest transfer out's agency and reason. The first interval starts at
-- -infinity: an item recorded later with an earlier received date (an
-- import) reads, before it was recorded, as it was recorded. Events at one
-- instant fold into one interval (the last one's state wins); an event
-- timed before the interval it lands in (a clock set back) does too.
CREATE TABLE item_states (
  item_id    bigint NOT NULL REFERENCES items (id),
  valid_from timestamptz NOT NULL,
  valid_to   timestamptz,
  kind       text NOT NULL,
  received_on date,
  batch_id   bigint,
  requires_response boolean NOT NULL,
  status     text NOT NULL,
  lead_code  text,
  due_on     date,
  extensions integer NOT NULL,
  transfers  integer NOT NULL,
  out_to     text,
  out_reason text,
  -- The last event folded in.
  event_id   bigint NOT NULL,
  PRIMARY KEY (item_id, valid_from),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE UNIQUE INDEX item_states_current ON item_states (item_id)
  WHERE valid_to IS NULL;
CREATE INDEX item_states_from ON item_states (valid_from);

CREATE FUNCTION events_track_state() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  e record;
  cur item_states%ROWTYPE;
  nxt item_states%ROWTYPE;
BEGIN
  -- Items seen for the first time (an import writes thousands at once):
  -- their first event makes their first interval, in one statement.
  INSERT INTO item_states (item_id, valid_from, valid_to, kind, received_on,
                           batch_id, requires_response, status, lead_code,
                           due_on, extensions, transfers, out_to, out_reason,
                           event_id)
  SELECT f.item_id, '-infinity', NULL, f.after->>'kind',
         (f.after->>'received_on')::date, (f.after->>'batch_id')::bigint,
         coalesce((f.after->>'requires_response')::boolean, true),
         f.after->>'status',
         f.after->>'lead_unit_code', (f.after->>'due_on')::date,
         (f.kind = 'DEADLINE_EXTENDED')::int,
         (f.kind IN ('TRANSFERRED', 'TRANSFERRED_OUT'))::int,
         CASE WHEN f.kind = 'TRANSFERRED_OUT' THEN f.detail->>'to_unit_code' END,
         CASE WHEN f.kind = 'TRANSFERRED_OUT' THEN f.detail->>'reason' END,
         f.id
    FROM (SELECT DISTINCT ON (n.item_id) n.* FROM new_events n
           ORDER BY n.item_id, n.id) f
   WHERE NOT EXISTS (SELECT 1 FROM item_states s WHERE s.item_id = f.item_id);
  -- Every other event, in order.
  FOR e IN
    SELECT n.id, n.item_id, n.at, n.kind, n.after, n.detail
      FROM new_events n
      JOIN item_states s ON s.item_id = n.item_id AND s.valid_to IS NULL
     WHERE n.id > s.event_id
     ORDER BY n.id
  LOOP
    SELECT * INTO cur FROM item_states
     WHERE item_id = e.item_id AND valid_to IS NULL;
    nxt := cur;
    nxt.kind := e.after->>'kind';
    nxt.received_on := (e.after->>'received_on')::date;
    nxt.batch_id := (e.after->>'batch_id')::bigint;
    nxt.requires_response :=
      coalesce((e.after->>'requires_response')::boolean, true);
    nxt.status := e.after->>'status';
    nxt.lead_code := e.after->>'lead_unit_code';
    nxt.due_on := (e.after->>'due_on')::date;
    nxt.extensions := cur.extensions + (e.kind = 'DEADLINE_EXTENDED')::int;
    nxt.transfers :=
      cur.transfers + (e.kind IN ('TRANSFERRED', 'TRANSFERRED_OUT'))::int;
    IF e.kind = 'TRANSFERRED_OUT' THEN
      nxt.out_to := e.detail->>'to_unit_code';
      nxt.out_reason := e.detail->>'reason';
    END IF;
    IF (nxt.kind, nxt.received_on, nxt.batch_id, nxt.requires_response,
        nxt.status, nxt.lead_code, nxt.due_on, nxt.extensions, nxt.transfers,
        nxt.out_to, nxt.out_reason) IS NOT DISTINCT FROM
       (cur.kind, cur.received_on, cur.batch_id, cur.requires_response,
        cur.status, cur.lead_code, cur.due_on, cur.extensions, cur.transfers,
        cur.out_to, cur.out_reason)
       OR e.at <= cur.valid_from THEN
      UPDATE item_states
         SET kind = nxt.kind, received_on = nxt.received_on,
             batch_id = nxt.batch_id,
             requires_response = nxt.requires_response,
             status = nxt.status, lead_code = nxt.lead_code,
             due_on = nxt.due_on, extensions = nxt.extensions,
             transfers = nxt.transfers, out_to = nxt.out_to,
             out_reason = nxt.out_reason, event_id = e.id
       WHERE item_id = e.item_id AND valid_from = cur.valid_from;
    ELSE
      UPDATE item_states SET valid_to = e.at
       WHERE item_id = e.item_id AND valid_from = cur.valid_from;
      INSERT INTO item_states (item_id, valid_from, valid_to, kind,
                               received_on, batch_id, requires_response,
                               status, lead_code, due_on, extensions,
                               transfers, out_to, out_reason, event_id)
      VALUES (e.item_id, e.at, NULL, nxt.kind, nxt.received_on, nxt.batch_id,
              nxt.requires_response, nxt.status, nxt.lead_code, nxt.due_on,
              nxt.extensions, nxt.transfers, nxt.out_to, nxt.out_reason, e.id);
    END IF;
  END LOOP;
  RETURN NULL;
END;
$$;
CREATE TRIGGER events_track_state AFTER INSERT ON events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION events_track_state();

-- Rebuilds the whole history from the events, folded the same way as the
-- trigger does: one interval per instant an item's state was recorded at
-- (the first from -infinity), with the counts so far. Run once below for
-- the events recorded before this migration; tests run it again to check
-- it against the trigger.
CREATE FUNCTION pq_rebuild_item_states() RETURNS void
LANGUAGE sql AS $$
DELETE FROM item_states;
INSERT INTO item_states (item_id, valid_from, valid_to, kind, received_on,
                         batch_id, requires_response, status, lead_code,
                         due_on, extensions, transfers, out_to, out_reason,
                         event_id)
WITH numbered AS (
  SELECT e.*, row_number() OVER (PARTITION BY e.item_id ORDER BY e.id) AS rn
    FROM events e),
-- Each event's instant as the trigger would have kept it: the first at
-- -infinity, the others never before the one before them.
ev AS (
  SELECT n.item_id, n.id, n.after,
         max(CASE WHEN n.rn = 1 THEN '-infinity'::timestamptz ELSE n.at END)
           OVER w AS at,
         count(*) FILTER (WHERE n.kind = 'DEADLINE_EXTENDED') OVER w
           AS extensions,
         count(*) FILTER (WHERE n.kind IN ('TRANSFERRED', 'TRANSFERRED_OUT'))
           OVER w AS transfers,
         max(n.id) FILTER (WHERE n.kind = 'TRANSFERRED_OUT') OVER w AS out_id
    FROM numbered n
  WINDOW w AS (PARTITION BY n.item_id ORDER BY n.id)),
last_at AS (
  SELECT DISTINCT ON (item_id, at) * FROM ev ORDER BY item_id, at, id DESC)
SELECT l.item_id, l.at,
       lead(l.at) OVER (PARTITION BY l.item_id ORDER BY l.at),
       l.after->>'kind', (l.after->>'received_on')::date,
       (l.after->>'batch_id')::bigint,
       coalesce((l.after->>'requires_response')::boolean, true),
       l.after->>'status', l.after->>'lead_unit_code',
       (l.after->>'due_on')::date, l.extensions, l.transfers,
       o.detail->>'to_unit_code', o.detail->>'reason', l.id
  FROM last_at l LEFT JOIN events o ON o.id = l.out_id;
$$;
SELECT pq_rebuild_item_states();
