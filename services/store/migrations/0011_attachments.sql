-- Files attached to items: the signed answer and supporting documents
-- (core/attachments.h: types and size). The bytes are kept here, with
-- their SHA-256, so a backup of the database is a backup of the files.
-- Rows are only added; each addition is an ATTACHMENT_ADDED event.
CREATE TABLE attachments (
  id            bigserial PRIMARY KEY,
  item_id       bigint NOT NULL REFERENCES items (id),
  kind          text NOT NULL CHECK (kind IN ('SIGNED_ANSWER', 'SUPPORTING')),
  file_name     text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  content_type  text NOT NULL,
  size_bytes    bigint NOT NULL CHECK (size_bytes BETWEEN 1 AND 20971520),
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content       bytea NOT NULL,
  uploaded_by   bigint REFERENCES users (id),
  uploaded_at   timestamptz NOT NULL
);
-- Files are compressed already (PDF, DOCX, JPEG, PNG): store them as they
-- are, out of line.
ALTER TABLE attachments ALTER COLUMN content SET STORAGE EXTERNAL;
CREATE INDEX attachments_item ON attachments (item_id, id);
