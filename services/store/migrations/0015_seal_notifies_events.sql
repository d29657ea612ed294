-- pq_seal (migration 0006) NOTIFYs pqtrack_alerts whenever it sealed
-- something, events too: a watcher asking for changes (WatchAlertsRequest.
-- changes) hears of a draft saved or an approval, which raise no alert.
-- The rest of the function is unchanged.
CREATE OR REPLACE FUNCTION pq_seal(p_limit integer, p_now timestamptz,
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
  IF alerts_sealed > 0 OR events_sealed > 0 THEN
    PERFORM pg_notify('pqtrack_alerts', last_cursor::text);
  END IF;
END;
$$;
