-- The alert ladder's durable schedule, the numbered alerts (the number is
-- the stream cursor) and what each subscriber has acknowledged.

-- Bumped whenever an item's legal due date changes; each ladder level fires
-- once per item and deadline version.
ALTER TABLE items ADD COLUMN deadline_version integer NOT NULL DEFAULT 1;

CREATE TABLE alert_schedule (
  item_id          bigint NOT NULL REFERENCES items (id),
  deadline_version integer NOT NULL,
  level            text NOT NULL,
  kind             text NOT NULL,
  days_left        integer NOT NULL,
  fire_at          timestamptz NOT NULL,
  fired_at         timestamptz,
  cancelled_at     timestamptz,
  PRIMARY KEY (item_id, deadline_version, level)
);
CREATE INDEX alert_schedule_pending ON alert_schedule (fire_at)
  WHERE fired_at IS NULL AND cancelled_at IS NULL;

CREATE TABLE alerts (
  id               bigserial PRIMARY KEY,
  item_id          bigint NOT NULL REFERENCES items (id),
  kind             text NOT NULL CHECK (kind IN (
                     'ASSIGNED', 'DUE_SOON', 'DUE_TODAY', 'OVERDUE', 'ESCALATED',
                     'TRANSFERRED', 'RETURNED_FOR_REVISION', 'ANSWERED')),
  level            text NOT NULL DEFAULT '',
  days_left        integer,
  unit_id          bigint REFERENCES units (id),
  due_on           date,
  title            text NOT NULL,
  detail           jsonb,
  created_at       timestamptz NOT NULL
);
CREATE INDEX alerts_unit ON alerts (unit_id, id);

CREATE TABLE alert_acks (
  subscriber text PRIMARY KEY,
  cursor     bigint NOT NULL,
  acked_at   timestamptz NOT NULL
);

-- The ladder, as data.
INSERT INTO settings VALUES
  ('alert_days_before', '7,3,1'),
  ('alert_due_today', 'true'),
  ('alert_overdue', 'true'),
  ('alert_escalate_after_working_days', '3'),
  ('alert_hour', '8');
