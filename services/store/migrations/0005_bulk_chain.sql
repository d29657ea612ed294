-- Bulk imports append thousands of events in one statement. Updating the
-- one audit_head row once per event made that quadratic (each update in a
-- transaction walks the row versions before it), so the running head of the
-- chain is kept in a transaction-local setting while the transaction holds
-- the audit_head lock, and written back once per statement.
CREATE OR REPLACE FUNCTION events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  prev text;
BEGIN
  IF current_setting('pqtrack.chain_locked', true) IS DISTINCT FROM 'on' THEN
    SELECT last_hash INTO prev FROM audit_head FOR UPDATE;
    PERFORM set_config('pqtrack.chain_locked', 'on', true);
  ELSE
    prev := current_setting('pqtrack.chain_head');
  END IF;
  -- Ids are taken under the lock, so id order is chain order.
  NEW.id := nextval(pg_get_serial_sequence('events', 'id'));
  NEW.prev_hash := prev;
  NEW.hash := event_hash(prev, NEW.id, NEW.item_id, NEW.actor_id, NEW.at,
                         NEW.kind, NEW.before, NEW.after, NEW.detail);
  PERFORM set_config('pqtrack.chain_head', NEW.hash, true);
  RETURN NEW;
END;
$$;

CREATE FUNCTION events_chain_head() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('pqtrack.chain_locked', true) = 'on' THEN
    UPDATE audit_head SET last_hash = current_setting('pqtrack.chain_head');
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER events_chain_head AFTER INSERT ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_chain_head();
