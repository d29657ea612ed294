-- Foundation schema: the assembly calendar, units, users and tokens, items
-- with their coordinating units, and the append-only event history.

CREATE TABLE terms (
  id          bigserial PRIMARY KEY,
  code        text NOT NULL UNIQUE,
  number      integer NOT NULL CHECK (number >= 1),
  start_year  integer NOT NULL,
  end_year    integer NOT NULL CHECK (end_year >= start_year),
  created_at  timestamptz NOT NULL
);

CREATE TABLE sessions (
  id         bigserial PRIMARY KEY,
  term_id    bigint NOT NULL REFERENCES terms (id),
  number     integer NOT NULL CHECK (number >= 1),
  kind       text NOT NULL CHECK (kind IN ('REGULAR', 'EXTRAORDINARY')),
  opens_on   date NOT NULL,
  closes_on  date NOT NULL CHECK (closes_on >= opens_on),
  note       text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  UNIQUE (term_id, kind, number)
);

CREATE TABLE batches (
  id              bigserial PRIMARY KEY,
  session_id      bigint NOT NULL REFERENCES sessions (id),
  phase           text NOT NULL CHECK (phase IN ('BEFORE_SESSION', 'AFTER_SESSION')),
  forwarding_body text NOT NULL,
  document_number text NOT NULL,
  received_on     date NOT NULL,
  note            text NOT NULL DEFAULT '',
  created_at      timestamptz NOT NULL,
  UNIQUE (forwarding_body, document_number)
);
CREATE INDEX batches_session ON batches (session_id);

CREATE TABLE units (
  id           bigserial PRIMARY KEY,
  code         text NOT NULL UNIQUE,
  name_vi      text NOT NULL,
  name_en      text NOT NULL DEFAULT '',
  parent_id    bigint REFERENCES units (id),
  kind         text NOT NULL CHECK (kind IN ('MINISTRY', 'DEPARTMENT', 'OFFICE',
                                             'INSPECTORATE', 'DIVISION',
                                             'EXTERNAL_AGENCY')),
  valid_from   date,
  valid_to     date CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from),
  successor_id bigint REFERENCES units (id),
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX units_parent ON units (parent_id);

CREATE TABLE users (
  id           bigserial PRIMARY KEY,
  login        text NOT NULL UNIQUE,
  display_name text NOT NULL,
  role         text NOT NULL CHECK (role IN ('ADMIN', 'LIAISON', 'LEADER', 'RESPONDER', 'SERVICE')),
  unit_id      bigint REFERENCES units (id),
  email        text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL,
  CHECK (role NOT IN ('LEADER', 'RESPONDER') OR unit_id IS NOT NULL)
);

-- Bearer tokens. Only the SHA-256 of the secret is kept.
CREATE TABLE tokens (
  id           bigserial PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id),
  secret_hash  text NOT NULL UNIQUE,
  label        text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE items (
  id                bigserial PRIMARY KEY,
  kind              text NOT NULL CHECK (kind IN ('PETITION', 'QUESTION', 'DOCUMENT', 'TASK')),
  external_ref      text NOT NULL DEFAULT '',
  -- Who the external reference belongs to (see item.proto, external_ref).
  sender_key        text NOT NULL,
  title             text NOT NULL,
  body              text NOT NULL DEFAULT '',
  received_on       date NOT NULL,
  session_id        bigint REFERENCES sessions (id),
  batch_id          bigint REFERENCES batches (id),
  due_on            date,
  status            text NOT NULL CHECK (status IN (
                      'RECEIVED', 'ASSIGNED', 'IN_PROGRESS', 'PENDING_APPROVAL',
                      'ANSWERED', 'TRANSFERRED_OUT', 'WITHDRAWN',
                      'NO_RESPONSE_REQUIRED', 'DUPLICATE')),
  lead_unit_id      bigint REFERENCES units (id),
  version           bigint NOT NULL DEFAULT 1,
  request_id        text UNIQUE,
  request_hash      text,
  created_by        bigint REFERENCES users (id),
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  -- PETITION
  delegations       text[],
  field             text,
  -- QUESTION
  deputy_name       text,
  delegation        text,
  addressee         text,
  question_form     text CHECK (question_form IN ('WRITTEN', 'FLOOR_REDIRECTED', 'STANDING_COMMITTEE')),
  asked_on          date,
  -- DOCUMENT
  sender            text,
  document_number   text,
  document_date     date,
  requires_response boolean,
  -- TASK
  assigned_by       text,
  source_document   text,
  source_date       date,
  CHECK (kind <> 'PETITION' OR batch_id IS NOT NULL),
  CHECK (kind <> 'QUESTION' OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX items_sender_ref ON items (sender_key, external_ref)
  WHERE external_ref <> '';
CREATE INDEX items_lead_unit ON items (lead_unit_id);
CREATE INDEX items_session ON items (session_id);
CREATE INDEX items_batch ON items (batch_id);
CREATE INDEX items_received ON items (received_on);
CREATE INDEX items_due ON items (due_on);

-- Coordinating units of an item (the lead unit is items.lead_unit_id).
CREATE TABLE item_units (
  item_id bigint NOT NULL REFERENCES items (id),
  unit_id bigint NOT NULL REFERENCES units (id),
  PRIMARY KEY (item_id, unit_id)
);
CREATE INDEX item_units_unit ON item_units (unit_id);

-- Every change to an item, in order. Append-only.
CREATE TABLE events (
  id       bigserial PRIMARY KEY,
  item_id  bigint NOT NULL REFERENCES items (id),
  actor_id bigint REFERENCES users (id),
  at       timestamptz NOT NULL,
  kind     text NOT NULL,
  before   jsonb,
  after    jsonb
);
CREATE INDEX events_item ON events (item_id, id);

CREATE FUNCTION events_are_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();

-- The state of an item as events record it: the row plus its coordinating
-- unit codes and lead unit code.
CREATE FUNCTION item_snapshot(p_item bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT to_jsonb(i) - 'request_hash'
         || jsonb_build_object(
              'lead_unit_code', (SELECT code FROM units WHERE id = i.lead_unit_id),
              'coordinating_unit_codes',
              COALESCE((SELECT jsonb_agg(u.code ORDER BY u.code)
                          FROM item_units iu JOIN units u ON u.id = iu.unit_id
                         WHERE iu.item_id = i.id), '[]'::jsonb))
    FROM items i WHERE i.id = p_item
$$;
