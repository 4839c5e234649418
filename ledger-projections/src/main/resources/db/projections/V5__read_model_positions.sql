-- Each read model is kept by a runner of the ledger's own (not by Axon's tracking processors). The
-- position of a read model, the global index of the last event applied to its rows, lives here and is
-- written in the same transaction as the rows. A runner holds this row's lock for the whole batch it
-- applies, so two processes never apply the same events, and a rebuild's switch (which takes the same
-- lock) never interleaves with a batch. owner and progress_at (epoch millis) tell which process last
-- moved the read model, and when.
ALTER TABLE rm_projection_state ADD COLUMN IF NOT EXISTS position BIGINT DEFAULT -1 NOT NULL;
ALTER TABLE rm_projection_state ADD COLUMN IF NOT EXISTS owner VARCHAR(100);
ALTER TABLE rm_projection_state ADD COLUMN IF NOT EXISTS progress_at BIGINT;
-- The row lock replaces the generation guard of V4.
ALTER TABLE rm_projection_state DROP COLUMN IF EXISTS generation;

-- Stores written before this version kept the positions in Axon's token table, in a serialized form
-- that SQL cannot read: every read model replays from the first event once.
DELETE FROM rm_account;
DELETE FROM rm_balance;
DELETE FROM rm_symbol;
DELETE FROM rm_mark_price;
DELETE FROM rm_position;
DELETE FROM rm_performance;
DELETE FROM rm_round_trip;
DELETE FROM rm_migration;
DELETE FROM rm_migration_phase;
