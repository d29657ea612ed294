-- When the lead unit's leader returned the submitted draft for revision
-- and it has not been submitted again (core::ReturnedAfter): the desk's
-- "returned to me". NULL otherwise.
ALTER TABLE items ADD COLUMN returned_at timestamptz;

-- Existing items: in progress, and the latest of their returns,
-- submissions, transfers and unmerges is a return.
UPDATE items i SET returned_at = last.at
  FROM (SELECT DISTINCT ON (e.item_id) e.item_id, e.kind, e.at
          FROM events e
         WHERE e.kind IN ('RETURNED', 'SUBMITTED', 'TRANSFERRED', 'UNMERGED')
         ORDER BY e.item_id, e.id DESC) last
 WHERE last.item_id = i.id AND last.kind = 'RETURNED'
   AND i.status = 'IN_PROGRESS';
