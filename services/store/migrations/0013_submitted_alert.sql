-- A submitted draft raises SUBMITTED_FOR_APPROVAL for the lead unit's
-- leader (core::EventAlert). The queue is checked like the table.
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN (
  'ASSIGNED', 'DUE_SOON', 'DUE_TODAY', 'OVERDUE', 'ESCALATED', 'TRANSFERRED',
  'RETURNED_FOR_REVISION', 'ANSWERED', 'SUBMITTED_FOR_APPROVAL'));
ALTER TABLE alert_queue DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alert_queue ADD CONSTRAINT alerts_kind_check CHECK (kind IN (
  'ASSIGNED', 'DUE_SOON', 'DUE_TODAY', 'OVERDUE', 'ESCALATED', 'TRANSFERRED',
  'RETURNED_FOR_REVISION', 'ANSWERED', 'SUBMITTED_FOR_APPROVAL'));
