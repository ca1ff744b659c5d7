-- Each destination's effects go in order across passes and workers: an effect is claimed only
-- once every earlier effect for its destination is settled (delivered or failed). This index
-- answers "is there an earlier unsettled effect for this destination?" and "which effects follow
-- this one?" from the unsettled rows alone; settled rows, the bulk of the table, are not in it.
CREATE INDEX outbox_destination_unsettled ON outbox (destination, id)
  WHERE status IN ('pending', 'ambiguous', 'delivering');
