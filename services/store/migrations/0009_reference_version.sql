-- A count of changes to the reference data that every write reads (the
-- calendar, the deadline rules, the settings: alert ladder and coordination
-- lead days). A server keeps what it loaded per connection, tagged with
-- this count, and reloads when the count moved (Tx::Memo in db.h): a write
-- reads one small row instead of the calendar, the rules and the settings.
-- Any statement changing those tables moves the count in its own
-- transaction, so a reader never uses data older than the count it saw.

CREATE TABLE reference_version (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  n        bigint NOT NULL
);
INSERT INTO reference_version (n) VALUES (1);

CREATE FUNCTION reference_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE reference_version SET n = n + 1;
  RETURN NULL;
END;
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['calendar_days', 'calendar_years', 'deadline_rules',
                           'settings'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR '
                   'TRUNCATE ON %I FOR EACH STATEMENT '
                   'EXECUTE FUNCTION reference_changed()', t || '_changed', t);
  END LOOP;
END;
$$;
