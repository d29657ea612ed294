-- A ladder level whose time had passed when the ladder was planned, while a
-- later level's had passed too, is skipped: recorded as handled
-- (cancelled_at) and never fired, so an item recorded, extended,
-- transferred or corrected late raises only its current level
-- (core::SkipPassedLevels). Imports skip every passed level.
ALTER TABLE alert_schedule ADD COLUMN skipped boolean NOT NULL DEFAULT false;

-- Imports before this migration recorded their passed levels as cancelled
-- at the moment of the import: those were skipped.
UPDATE alert_schedule s SET skipped = true
  FROM events e
 WHERE e.item_id = s.item_id AND e.kind = 'IMPORTED'
   AND s.deadline_version = 1 AND s.fired_at IS NULL
   AND s.cancelled_at = e.at AND s.fire_at <= s.cancelled_at;
