-- Routing rules, the reply workflow (coordination, drafts, answers),
-- transfers, merges, diacritics-insensitive search and suggestions, and the
-- hash chain over events.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- Lower case without diacritics ("Tiền lương" -> "tien luong"). IMMUTABLE so
-- that it can back indexes; the dictionary is named explicitly.
CREATE FUNCTION pq_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(unaccent('unaccent'::regdictionary, coalesce(t, '')))
$$;

-- array_to_string is only STABLE (for arrays of any type); for text it is
-- immutable.
CREATE FUNCTION pq_join(a text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_to_string(a, ' '), '')
$$;

-- Coordinating units: internal due date and their own state.
ALTER TABLE item_units
  ADD COLUMN due_on date,
  ADD COLUMN state text NOT NULL DEFAULT 'OPEN'
    CHECK (state IN ('OPEN', 'INPUT_SUBMITTED', 'DECLINED')),
  ADD COLUMN input_text text NOT NULL DEFAULT '',
  ADD COLUMN input_by bigint REFERENCES users (id),
  ADD COLUMN input_at timestamptz;

ALTER TABLE items
  -- Draft under approval, and whether its leader approved it.
  ADD COLUMN submitted_draft int,
  ADD COLUMN approved boolean NOT NULL DEFAULT false,
  -- An IN_RESOLUTION answer keeps the item tracked until this date.
  ADD COLUMN follow_up_on date,
  -- Transfers: where it went out to, and what the clock does.
  ADD COLUMN transferred_to_id bigint REFERENCES units (id),
  ADD COLUMN clock text NOT NULL DEFAULT 'RUNNING'
    CHECK (clock IN ('RUNNING', 'PAUSED')),
  ADD COLUMN clock_anchor date,
  -- Merges: the item this one was merged into, and its status before.
  ADD COLUMN merged_into bigint REFERENCES items (id),
  ADD COLUMN status_before_merge text,
  -- The routing rule that chose the lead unit, when one did.
  ADD COLUMN routed_by_rule bigint,
  ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', pq_fold(title) || ' ' || pq_fold(body) || ' ' ||
                pq_fold(coalesce(field, '')) || ' ' ||
                pq_fold(pq_join(delegations)) || ' ' ||
                pq_fold(coalesce(deputy_name, '')) || ' ' ||
                pq_fold(coalesce(sender, '')) || ' ' ||
                pq_fold(coalesce(assigned_by, '')) || ' ' ||
                pq_fold(external_ref))) STORED;
CREATE INDEX items_search ON items USING gin (search_doc);
CREATE INDEX items_title_trgm ON items USING gin (pq_fold(title) gin_trgm_ops);
CREATE INDEX items_merged_into ON items (merged_into);

CREATE TABLE routing_rules (
  id            bigserial PRIMARY KEY,
  position      integer NOT NULL,
  name          text NOT NULL,
  kind          text CHECK (kind IN ('PETITION', 'QUESTION', 'DOCUMENT', 'TASK')),
  field         text NOT NULL DEFAULT '',
  words         text[] NOT NULL DEFAULT '{}',
  delegation    text NOT NULL DEFAULT '',
  sender        text NOT NULL DEFAULT '',
  addressee     text NOT NULL DEFAULT '',
  lead_unit_id  bigint NOT NULL REFERENCES units (id),
  coordinating_unit_ids bigint[] NOT NULL DEFAULT '{}',
  created_by    bigint REFERENCES users (id),
  created_at    timestamptz NOT NULL,
  deleted_at    timestamptz
);
CREATE INDEX routing_rules_active ON routing_rules (position) WHERE deleted_at IS NULL;

-- Draft replies, versioned per item; earlier versions are kept.
CREATE TABLE drafts (
  item_id    bigint NOT NULL REFERENCES items (id),
  number     integer NOT NULL,
  text       text NOT NULL,
  created_by bigint REFERENCES users (id),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (item_id, number)
);

-- Answers sent. An IN_RESOLUTION answer may be followed by later ones.
CREATE TABLE answers (
  id                  bigserial PRIMARY KEY,
  item_id             bigint NOT NULL REFERENCES items (id),
  draft_number        integer,
  document_number     text NOT NULL,
  signer              text NOT NULL,
  sent_on             date NOT NULL,
  text                text NOT NULL,
  outcome             text NOT NULL CHECK (outcome IN ('RESOLVED', 'IN_RESOLUTION', 'EXPLAINED')),
  outcome_detail      text NOT NULL,
  roadmap             text NOT NULL DEFAULT '',
  expected_completion date,
  created_by          bigint REFERENCES users (id),
  created_at          timestamptz NOT NULL
);
CREATE INDEX answers_item ON answers (item_id, id);

-- Events: what else happened (comment, reason, rule...), and the hash chain.
ALTER TABLE events
  ADD COLUMN detail jsonb,
  ADD COLUMN prev_hash text,
  ADD COLUMN hash text;

-- The hash of an event: SHA-256 over the previous hash and the event's
-- content, in a fixed text form.
CREATE FUNCTION event_hash(p_prev text, p_id bigint, p_item bigint,
                           p_actor bigint, p_at timestamptz, p_kind text,
                           p_before jsonb, p_after jsonb, p_detail jsonb)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(
    coalesce(p_prev, '') || '|' || p_id || '|' || p_item || '|' ||
    coalesce(p_actor, 0) || '|' ||
    ((extract(epoch FROM p_at) * 1000000)::bigint) || '|' || p_kind || '|' ||
    coalesce(p_before::text, '') || '|' || coalesce(p_after::text, '') || '|' ||
    coalesce(p_detail::text, ''), 'UTF8')), 'hex')
$$;

-- The last link of the chain. Locking this row serialises appends, so the
-- chain follows event ids.
CREATE TABLE audit_head (
  only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  last_hash  text NOT NULL
);

-- Link the events recorded before this migration, in id order.
ALTER TABLE events DISABLE TRIGGER events_append_only;
DO $$
DECLARE
  e record;
  prev text := '';
BEGIN
  FOR e IN SELECT * FROM events ORDER BY id LOOP
    UPDATE events
       SET prev_hash = prev,
           hash = event_hash(prev, e.id, e.item_id, e.actor_id, e.at, e.kind,
                             e.before, e.after, e.detail)
     WHERE id = e.id
    RETURNING hash INTO prev;
  END LOOP;
  INSERT INTO audit_head (last_hash) VALUES (prev);
END;
$$;
ALTER TABLE events ENABLE TRIGGER events_append_only;
ALTER TABLE events ALTER COLUMN prev_hash SET NOT NULL,
                   ALTER COLUMN hash SET NOT NULL;

CREATE FUNCTION events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  prev text;
BEGIN
  SELECT last_hash INTO prev FROM audit_head FOR UPDATE;
  -- Ids are taken under the lock, so id order is chain order.
  NEW.id := nextval(pg_get_serial_sequence('events', 'id'));
  NEW.prev_hash := prev;
  NEW.hash := event_hash(prev, NEW.id, NEW.item_id, NEW.actor_id, NEW.at,
                         NEW.kind, NEW.before, NEW.after, NEW.detail);
  UPDATE audit_head SET last_hash = NEW.hash;
  RETURN NEW;
END;
$$;
CREATE TRIGGER events_chain BEFORE INSERT ON events
  FOR EACH ROW EXECUTE FUNCTION events_chain();
-- The trigger assigns ids; a column default would only burn sequence values.
ALTER TABLE events ALTER COLUMN id DROP DEFAULT;

-- The state of an item as events record it, now with coordination.
CREATE OR REPLACE FUNCTION item_snapshot(p_item bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT to_jsonb(i) - 'request_hash' - 'search_doc'
         || jsonb_build_object(
              'lead_unit_code', (SELECT code FROM units WHERE id = i.lead_unit_id),
              'coordinating_unit_codes',
              COALESCE((SELECT jsonb_agg(u.code ORDER BY u.code)
                          FROM item_units iu JOIN units u ON u.id = iu.unit_id
                         WHERE iu.item_id = i.id), '[]'::jsonb),
              'coordination',
              COALESCE((SELECT jsonb_agg(jsonb_build_object(
                                 'unit', u.code, 'due_on', iu.due_on,
                                 'state', iu.state) ORDER BY u.code)
                          FROM item_units iu JOIN units u ON u.id = iu.unit_id
                         WHERE iu.item_id = i.id), '[]'::jsonb))
    FROM items i WHERE i.id = p_item
$$;
