-- Legal deadlines: the working-day calendar, deadline rules as data, the
-- due date each item got and why, and settings.

CREATE TABLE calendar_days (
  day        date PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('HOLIDAY', 'WORKDAY')),
  name       text NOT NULL,
  source     text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Years an administrator has loaded; due dates that reach other years are
-- flagged.
CREATE TABLE calendar_years (
  year      integer PRIMARY KEY,
  loaded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deadline_rules (
  id          bigserial PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('PETITION', 'QUESTION', 'DOCUMENT', 'TASK')),
  amount      integer NOT NULL CHECK (amount BETWEEN 1 AND 3650),
  count       text NOT NULL CHECK (count IN ('CALENDAR', 'WORKING')),
  anchor      text NOT NULL CHECK (anchor IN ('RECEIVED', 'ASKED', 'DOCUMENT_DATE')),
  legal_basis text NOT NULL,
  valid_from  date,
  valid_to    date CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from),
  created_by  bigint REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);
INSERT INTO settings VALUES
  -- Coordinating units are due this many working days before the lead.
  ('coordination_lead_working_days', '3');

ALTER TABLE items
  ADD COLUMN due_source text CHECK (due_source IN ('RULE', 'GIVEN', 'EXTENDED')),
  ADD COLUMN due_rule_id bigint REFERENCES deadline_rules (id),
  ADD COLUMN due_explanation text NOT NULL DEFAULT '',
  ADD COLUMN due_calendar_incomplete boolean NOT NULL DEFAULT false;
UPDATE items SET due_source = 'GIVEN',
                 due_explanation = 'due date given when recorded: ' || due_on
 WHERE due_on IS NOT NULL;

-- The rules in force (Decision 33/2017/QĐ-TTg as amended by 30/2020/QĐ-TTg;
-- Law 87/2015/QH13 Arts. 15(4) and 50). Administrators add new versions
-- with valid_from when the law changes.
INSERT INTO deadline_rules (kind, amount, count, anchor, legal_basis) VALUES
  ('PETITION', 60, 'CALENDAR', 'RECEIVED',
   'Quyết định 33/2017/QĐ-TTg, sửa đổi bởi Quyết định 30/2020/QĐ-TTg: 60 ngày kể từ ngày nhận kiến nghị'),
  ('QUESTION', 20, 'CALENDAR', 'ASKED',
   'Luật Hoạt động giám sát 87/2015/QH13, Điều 15(4) và 50: trả lời bằng văn bản trong 20 ngày'),
  ('DOCUMENT', 10, 'WORKING', 'RECEIVED',
   'Quy chế làm việc: 10 ngày làm việc khi văn bản không ghi thời hạn'),
  ('TASK', 10, 'WORKING', 'RECEIVED',
   'Quy chế làm việc: 10 ngày làm việc khi nhiệm vụ không ghi thời hạn');

-- Vietnam's civil-service calendar 2024-2026 (data/vn-civil-service-calendar.csv).
INSERT INTO calendar_days (day, kind, name, source) VALUES
  ('2024-01-01', 'HOLIDAY', 'New Year''s Day (Tết Dương lịch)', 'statutory'),
  ('2024-02-08', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2024: 08/02 to 14/02'),
  ('2024-02-09', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2024'),
  ('2024-02-12', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2024'),
  ('2024-02-13', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2024'),
  ('2024-02-14', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2024'),
  ('2024-04-18', 'HOLIDAY', 'Hùng Kings Commemoration (Giỗ Tổ Hùng Vương)', 'statutory (10/3 lunar)'),
  ('2024-04-29', 'HOLIDAY', 'Bridge day (swapped with Saturday 04/05)', 'civil-service schedule 2024: 27/04 to 01/05'),
  ('2024-04-30', 'HOLIDAY', 'Reunification Day', 'statutory'),
  ('2024-05-01', 'HOLIDAY', 'International Workers'' Day', 'statutory'),
  ('2024-05-04', 'WORKDAY', 'Make-up working Saturday (for 29/04)', 'civil-service schedule 2024'),
  ('2024-09-02', 'HOLIDAY', 'National Day (Quốc khánh)', 'statutory; schedule 2024: 31/08 to 03/09'),
  ('2024-09-03', 'HOLIDAY', 'National Day (second day)', 'civil-service schedule 2024'),
  ('2025-01-01', 'HOLIDAY', 'New Year''s Day (Tết Dương lịch)', 'statutory'),
  ('2025-01-27', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2025: 25/01 to 02/02'),
  ('2025-01-28', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2025'),
  ('2025-01-29', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2025'),
  ('2025-01-30', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2025'),
  ('2025-01-31', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2025'),
  ('2025-04-07', 'HOLIDAY', 'Hùng Kings Commemoration (Giỗ Tổ Hùng Vương)', 'statutory (10/3 lunar)'),
  ('2025-04-26', 'WORKDAY', 'Make-up working Saturday (for 02/05)', 'civil-service schedule 2025'),
  ('2025-04-30', 'HOLIDAY', 'Reunification Day', 'statutory'),
  ('2025-05-01', 'HOLIDAY', 'International Workers'' Day', 'statutory'),
  ('2025-05-02', 'HOLIDAY', 'Bridge day (swapped with Saturday 26/04)', 'civil-service schedule 2025: 30/04 to 04/05'),
  ('2025-09-01', 'HOLIDAY', 'National Day (second day)', 'civil-service schedule 2025: 30/08 to 02/09'),
  ('2025-09-02', 'HOLIDAY', 'National Day (Quốc khánh)', 'statutory'),
  ('2026-01-01', 'HOLIDAY', 'New Year''s Day (Tết Dương lịch)', 'statutory'),
  ('2026-02-16', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2026: 14/02 to 22/02'),
  ('2026-02-17', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2026'),
  ('2026-02-18', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2026'),
  ('2026-02-19', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2026'),
  ('2026-02-20', 'HOLIDAY', 'Lunar New Year (Tết Nguyên đán)', 'civil-service schedule 2026'),
  ('2026-04-27', 'HOLIDAY', 'Hùng Kings Commemoration (26/04 is a Sunday: next working day)', 'statutory rule; provisional'),
  ('2026-04-30', 'HOLIDAY', 'Reunification Day', 'statutory'),
  ('2026-05-01', 'HOLIDAY', 'International Workers'' Day', 'statutory'),
  ('2026-09-01', 'HOLIDAY', 'National Day (second day)', 'provisional: confirm against the published 2026 schedule'),
  ('2026-09-02', 'HOLIDAY', 'National Day (Quốc khánh)', 'statutory');
INSERT INTO calendar_years (year) VALUES (2024), (2025), (2026);
