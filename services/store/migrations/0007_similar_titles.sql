-- Duplicate suggestions in milliseconds on a large register. The folded
-- title is stored once (the index and the similarity then call no function
-- per row), and a trigram GiST index covers only the items still awaiting
-- an answer, so the register's answered years cost nothing. GiST answers
-- "the 5 most similar" by walking nearest first (KNN on <->) and stops;
-- a GIN index has to score every item sharing trigrams with the title,
-- which is most of them for petitions that start alike. The predicate is
-- PQTRACK_SQL_AWAITING_ANSWER (services/store/item_rows.h, checked against
-- core by a test).
ALTER TABLE items
  ADD COLUMN title_folded text GENERATED ALWAYS AS (pq_fold(title)) STORED;
DROP INDEX items_title_trgm;
CREATE INDEX items_similar_open ON items
  USING gist (title_folded gist_trgm_ops (siglen = 256))
  WHERE status IN ('RECEIVED', 'ASSIGNED', 'IN_PROGRESS', 'PENDING_APPROVAL');

-- The snapshot events keep leaves the folded title out, like search_doc.
CREATE OR REPLACE FUNCTION item_snapshot(p_item bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT to_jsonb(i) - 'request_hash' - 'search_doc' - 'title_folded'
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
