-- The functions that run once per written row, in PL/pgSQL with the same
-- bodies. A SQL-language function that cannot be inlined (unaccent is only
-- STABLE, so pq_fold is not; item_snapshot and event_hash are queries) is
-- planned again at each call of each statement: a one-row INSERT into items
-- paid about 11 µs for each of its ten pq_fold/pq_join calls, and an event
-- paid about 0.17 ms for item_snapshot. PL/pgSQL keeps its plans for the
-- session. Results are unchanged, so the stored columns, the indexes and
-- the hash chain stay valid as they are.

CREATE OR REPLACE FUNCTION pq_fold(t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN lower(unaccent('unaccent'::regdictionary, coalesce(t, '')));
END;
$$;

CREATE OR REPLACE FUNCTION pq_join(a text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN coalesce(array_to_string(a, ' '), '');
END;
$$;

CREATE OR REPLACE FUNCTION event_hash(p_prev text, p_id bigint, p_item bigint,
                                      p_actor bigint, p_at timestamptz,
                                      p_kind text, p_before jsonb,
                                      p_after jsonb, p_detail jsonb)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN encode(sha256(convert_to(
    coalesce(p_prev, '') || '|' || p_id || '|' || p_item || '|' ||
    coalesce(p_actor, 0) || '|' ||
    ((extract(epoch FROM p_at) * 1000000)::bigint) || '|' || p_kind || '|' ||
    coalesce(p_before::text, '') || '|' || coalesce(p_after::text, '') || '|' ||
    coalesce(p_detail::text, ''), 'UTF8')), 'hex');
END;
$$;

CREATE OR REPLACE FUNCTION item_snapshot(p_item bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    SELECT to_jsonb(i) - 'request_hash' - 'search_doc' - 'title_folded'
           || jsonb_build_object(
                'lead_unit_code',
                (SELECT code FROM units WHERE id = i.lead_unit_id),
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
      FROM items i WHERE i.id = p_item);
END;
$$;
