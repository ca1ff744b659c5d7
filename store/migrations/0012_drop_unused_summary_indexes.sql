-- The case summary's GIN indexes on addressees and on copied (0002) serve no query since "my
-- cases" reads case_summary_open_people (0010), which holds both lists with the action owners;
-- the weekly digest counts addressees over every open case, which reads the rows, not an index.
-- Each summary write updated both, in the command's one write statement: dropped.
-- Frozen: change it with a new migration file.
DROP INDEX case_summary_addressees;
DROP INDEX case_summary_copied;
