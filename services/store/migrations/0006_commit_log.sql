-- One commit-ordered log for events and alerts (the design is in
-- services/store/log_store.h). Writers no longer take a lock that every
-- writer shares: an event gets its id from a plain sequence and waits in
-- events_unsealed; an alert waits in alert_queue. The sealer (pq_seal),
-- one at a time under the log_head row lock, takes what has committed,
-- links the events into the hash chain (event_chain) and numbers the
-- alerts, so chain order and alert cursors follow commit order with no gap.

-- The chain's head moves to log_head, with the alerts' last cursor.
CREATE TABLE log_head (
  only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  -- Events linked so far (the last link's seq) and its hash.
  last_seq    bigint NOT NULL,
  last_hash   text NOT NULL,
  -- The last alert cursor given.
  last_cursor bigint NOT NULL,
  sealed_at   timestamptz
);

-- The hash chain: link `seq` covers event `event_id`; its hash is
-- event_hash(prev_hash, the event's id and content), and prev_hash is the
-- hash of link seq - 1 ('' for the first).
CREATE TABLE event_chain (
  seq       bigint PRIMARY KEY,
  event_id  bigint NOT NULL UNIQUE,
  prev_hash text NOT NULL,
  hash      text NOT NULL
);
CREATE TRIGGER event_chain_append_only BEFORE UPDATE OR DELETE ON event_chain
  FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
CREATE TRIGGER event_chain_no_truncate BEFORE TRUNCATE ON event_chain
  FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();

-- Events recorded so far were chained in id order under the old lock: their
-- links carry over as they are (same hash function, same order).
INSERT INTO event_chain (seq, event_id, prev_hash, hash)
  SELECT row_number() OVER (ORDER BY id), id, prev_hash, hash FROM events;
INSERT INTO log_head (last_seq, last_hash, last_cursor)
  SELECT (SELECT count(*) FROM events),
         (SELECT last_hash FROM audit_head),
         (SELECT coalesce(max(id), 0) FROM alerts);

DROP TRIGGER events_chain ON events;
DROP TRIGGER events_chain_head ON events;
DROP FUNCTION events_chain();
DROP FUNCTION events_chain_head();
DROP TABLE audit_head;
ALTER TABLE events DROP COLUMN prev_hash, DROP COLUMN hash;
ALTER TABLE events ALTER COLUMN id SET DEFAULT nextval('events_id_seq');

-- Events not yet linked. Filled by the trigger below for every way an event
-- is inserted; emptied by pq_seal.
CREATE TABLE events_unsealed (event_id bigint NOT NULL);
CREATE FUNCTION events_enqueue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events_unsealed (event_id) SELECT id FROM new_events;
  RETURN NULL;
END;
$$;
CREATE TRIGGER events_enqueue AFTER INSERT ON events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION events_enqueue();

-- Alerts wait here until pq_seal gives them their cursor, which becomes
-- their id in alerts. Same columns and checks as alerts; `id` here only
-- orders the queue.
ALTER TABLE alerts ALTER COLUMN id DROP DEFAULT;
DROP SEQUENCE alerts_id_seq;
CREATE TABLE alert_queue (LIKE alerts INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE alert_queue ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY,
  ADD PRIMARY KEY (id);

-- Seals what has committed: at most p_limit events into the chain and at
-- most p_limit alerts into alerts, in one transaction, one sealer at a time
-- (the log_head row lock). Rows that commit while it runs wait for the next
-- call, so cursors and links follow commit order. NOTIFYs pqtrack_alerts
-- with the last cursor when it numbered alerts.
CREATE FUNCTION pq_seal(p_limit integer, p_now timestamptz,
                        OUT events_sealed integer, OUT alerts_sealed integer,
                        OUT last_cursor bigint)
LANGUAGE plpgsql AS $$
DECLARE
  head log_head%ROWTYPE;
  taken bigint[];
  e record;
  prev text;
  seq bigint;
  seqs bigint[] := '{}';
  ids bigint[] := '{}';
  prevs text[] := '{}';
  hashes text[] := '{}';
BEGIN
  events_sealed := 0;
  alerts_sealed := 0;
  IF NOT EXISTS (SELECT 1 FROM events_unsealed)
     AND NOT EXISTS (SELECT 1 FROM alert_queue) THEN
    SELECT h.last_cursor INTO last_cursor FROM log_head h;
    RETURN;
  END IF;
  SELECT * INTO head FROM log_head FOR UPDATE;
  prev := head.last_hash;
  seq := head.last_seq;

  WITH gone AS (
    DELETE FROM events_unsealed
     WHERE ctid = ANY (ARRAY(SELECT ctid FROM events_unsealed LIMIT p_limit))
    RETURNING event_id)
  SELECT array_agg(event_id) INTO taken FROM gone;
  IF taken IS NOT NULL THEN
    FOR e IN SELECT * FROM events WHERE id = ANY (taken) ORDER BY id LOOP
      seq := seq + 1;
      seqs := seqs || seq;
      ids := ids || e.id;
      prevs := prevs || prev;
      prev := event_hash(prev, e.id, e.item_id, e.actor_id, e.at, e.kind,
                         e.before, e.after, e.detail);
      hashes := hashes || prev;
    END LOOP;
    INSERT INTO event_chain (seq, event_id, prev_hash, hash)
      SELECT * FROM unnest(seqs, ids, prevs, hashes);
    events_sealed := coalesce(array_length(seqs, 1), 0);
  END IF;

  WITH moved AS (
    DELETE FROM alert_queue
     WHERE id = ANY (ARRAY(SELECT id FROM alert_queue ORDER BY id
                           LIMIT p_limit))
    RETURNING *)
  INSERT INTO alerts (id, item_id, kind, level, days_left, unit_id, due_on,
                      title, detail, created_at)
  SELECT head.last_cursor + row_number() OVER (ORDER BY id), item_id, kind,
         level, days_left, unit_id, due_on, title, detail, created_at
    FROM moved;
  GET DIAGNOSTICS alerts_sealed = ROW_COUNT;

  last_cursor := head.last_cursor + alerts_sealed;
  UPDATE log_head
     SET last_seq = seq, last_hash = prev, last_cursor = pq_seal.last_cursor,
         sealed_at = p_now;
  IF alerts_sealed > 0 THEN
    PERFORM pg_notify('pqtrack_alerts', last_cursor::text);
  END IF;
END;
$$;
