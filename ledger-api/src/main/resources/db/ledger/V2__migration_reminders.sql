-- Persistent reminders of the migration saga: a user still waiting at due_at (epoch millis) becomes overdue.
CREATE TABLE IF NOT EXISTS ledger_migration_reminder (
    user_name VARCHAR(64) NOT NULL,
    due_at    BIGINT      NOT NULL,
    PRIMARY KEY (user_name)
);
CREATE INDEX IF NOT EXISTS ledger_migration_reminder_due ON ledger_migration_reminder (due_at);
