-- History checkpoints: the read-model rows of one event stream (an account, the market, a leader's book)
-- as of one of its events, so that a point-in-time answer replays only the events after the latest
-- checkpoint before its instant instead of the whole history. Derived data, like the read models: any of
-- them may be deleted at any time (they are then built again), and a rebuild deletes them all.
--   sequence_number  the stream's last event the checkpoint includes;
--   reached_nanos    the latest event time among the stream's events up to it (nanoseconds since the epoch);
--   format           what the state's bytes mean (the read models' layout; a checkpoint of another is ignored);
--   state            the rows, deflated.
CREATE TABLE IF NOT EXISTS history_checkpoint (
    stream_id       VARCHAR(255) NOT NULL,
    sequence_number BIGINT       NOT NULL,
    reached_nanos   BIGINT       NOT NULL,
    format          BIGINT       NOT NULL,
    state           BYTEA        NOT NULL,
    PRIMARY KEY (stream_id, sequence_number)
);
