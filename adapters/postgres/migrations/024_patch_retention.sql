-- The catalog had no retention: a patch row lived forever once any host reported it, though hosts
-- invent ids and every month supersedes package versions. Housekeeping now deletes the patches
-- first seen before the history horizon that nothing refers to (PatchRepository.pruneUnreferenced):
-- no finding names it, as its patch or as the patch that superseded it, and no change carries it.
-- The second question is asked of every old patch each hour: this index answers it from the few
-- superseded findings that name a successor, instead of a scan of every finding.
create index findings_superseded_by on findings (superseded_by) where superseded_by is not null;
