-- The catalog's bounds (src/discovery/patch-bounds.ts; security review finding 3). A hostile
-- Windows host could store a title of megabytes and hundreds of thousands of CVEs in a patch every
-- host shares. Rows stored before the bounds existed are brought within them (titles clipped with
-- an ellipsis and stripped of control characters, CVE lists cut to their first 200 valid ids),
-- then the table refuses anything beyond them, whatever writes it.
update patches set
  title = case
    when char_length(regexp_replace(title, '[\x01-\x08\x0b-\x1f\x7f-\x9f]', '', 'g')) > 500
      then left(regexp_replace(title, '[\x01-\x08\x0b-\x1f\x7f-\x9f]', '', 'g'), 499) || '…'
    else regexp_replace(title, '[\x01-\x08\x0b-\x1f\x7f-\x9f]', '', 'g')
  end,
  cves = array(
    select c from unnest(cves) with ordinality as x(c, n)
    where c ~ '^CVE-[0-9]{4}-[0-9]{4,11}$' order by n limit 200)
where char_length(title) > 500
   or title ~ '[\x01-\x08\x0b-\x1f\x7f-\x9f]'
   or cardinality(cves) > 200
   or exists (select 1 from unnest(cves) as c where not c ~ '^CVE-[0-9]{4}-[0-9]{4,11}$');

alter table patches
  add constraint patches_title_bounded check (char_length(title) <= 500),
  add constraint patches_cves_bounded check (cardinality(cves) <= 200);
