-- findings.patch_id → patches.id was a foreign key: PostgreSQL checks one per inserted row with a
-- query of its own, which was half of what storing a scan cost (a first scan of a Debian host
-- writes ~135 findings; bench/README.md). The two statements that write findings now check the
-- distinct patch ids of the whole statement at once with require_known_patches(), failing with
-- the same error class (23503) and naming the unknown ids. Nothing deletes patches, so the key's
-- other half (refusing to delete a patch that has findings) has nothing to guard.
alter table findings drop constraint findings_patch_id_fkey;

create function require_known_patches(ids text[]) returns integer
language plpgsql stable as $$
declare
  unknown text[];
begin
  select array_agg(id order by id) into unknown
  from (select distinct unnest(ids) as id) wanted
  where not exists (select 1 from patches p where p.id = wanted.id);
  if unknown is not null then
    raise foreign_key_violation using
      message = format('findings refer to %s patch(es) the store does not know: %s', cardinality(unknown), array_to_string(unknown[1:5], ', ')),
      hint = 'Store the patches before findings that refer to them.';
  end if;
  return 0;
end
$$;
