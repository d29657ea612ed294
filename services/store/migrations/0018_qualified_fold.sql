-- The functions that stored columns and indexes call found what they call
-- through the search_path: pq_fold its unaccent (the function and its
-- dictionary), pq_refs its pq_fold. pg_restore runs with an empty
-- search_path while it computes those columns and builds those indexes, so
-- a backup could not be restored. The same bodies, with every name
-- qualified by its schema; results are unchanged, so the stored columns and
-- the indexes stay valid.
DO $migration$
DECLARE
  ext_schema text;
  own_schema text;
BEGIN
  SELECT n.nspname INTO STRICT ext_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
   WHERE e.extname = 'unaccent';
  SELECT n.nspname INTO STRICT own_schema
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE p.proname = 'pq_fold';
  EXECUTE format(
    $f$CREATE OR REPLACE FUNCTION %1$I.pq_fold(t text) RETURNS text
       LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $body$
       BEGIN
         RETURN lower(%2$I.unaccent(%3$L::regdictionary, coalesce(t, '')));
       END;
       $body$$f$,
    own_schema, ext_schema, format('%I.unaccent', ext_schema));
  EXECUTE format(
    $f$CREATE OR REPLACE FUNCTION %1$I.pq_refs(p_ref text, p_number text,
                                             p_source text)
       RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $body$
       BEGIN
         RETURN array_remove(
           ARRAY[%1$I.pq_fold(btrim(coalesce(p_ref, ''))),
                 %1$I.pq_fold(btrim(coalesce(p_number, ''))),
                 %1$I.pq_fold(btrim(coalesce(p_source, '')))], '');
       END;
       $body$$f$,
    own_schema);
END
$migration$;
