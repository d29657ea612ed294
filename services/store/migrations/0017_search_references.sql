-- Search what officers search by. The text search now also covers the
-- document's number, the task's source document, the question's delegation
-- and addressee; and an item's references (its sender's reference, its
-- document number, its source document) are indexed folded and whole, so
-- "321/UBND-NV" finds that document first whatever the text search makes of
-- the slash and the dash.
ALTER TABLE items DROP COLUMN search_doc;
ALTER TABLE items ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', pq_fold(title) || ' ' || pq_fold(body) || ' ' ||
                pq_fold(coalesce(field, '')) || ' ' ||
                pq_fold(pq_join(delegations)) || ' ' ||
                pq_fold(coalesce(deputy_name, '')) || ' ' ||
                pq_fold(coalesce(delegation, '')) || ' ' ||
                pq_fold(coalesce(addressee, '')) || ' ' ||
                pq_fold(coalesce(sender, '')) || ' ' ||
                pq_fold(coalesce(assigned_by, '')) || ' ' ||
                pq_fold(coalesce(document_number, '')) || ' ' ||
                pq_fold(coalesce(source_document, '')) || ' ' ||
                pq_fold(external_ref))) STORED;
CREATE INDEX items_search ON items USING gin (search_doc);

-- An item's references, folded and trimmed, for exact matches.
CREATE FUNCTION pq_refs(p_ref text, p_number text, p_source text)
RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN array_remove(ARRAY[pq_fold(btrim(coalesce(p_ref, ''))),
                            pq_fold(btrim(coalesce(p_number, ''))),
                            pq_fold(btrim(coalesce(p_source, '')))], '');
END;
$$;
CREATE INDEX items_refs ON items
  USING gin (pq_refs(external_ref, document_number, source_document));
