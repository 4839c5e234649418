-- Event identifiers are random UUIDs the ledger draws for every event, and nothing looks an event up by its
-- identifier (readers go by global index, aggregates by aggregate and sequence number). A unique index on
-- them made every append pay an insert at a random place of a B-tree: the largest single cost of a lead
-- trade's fan-out on H2. The identifier stays in every event (the export's and the feed's event id).
ALTER TABLE domainevententry DROP CONSTRAINT IF EXISTS domainevententry_event_id;
