-- Migration status per user with a legacy account, and the global phase.
CREATE TABLE IF NOT EXISTS rm_migration (
    user_name      VARCHAR(64) NOT NULL,
    legacy_account VARCHAR(80) NOT NULL,
    state          VARCHAR(12) NOT NULL,
    open_copy      INTEGER     NOT NULL,
    open_elite     INTEGER     NOT NULL,
    started_at     VARCHAR(40),
    completed_at   VARCHAR(40),
    overdue_at     VARCHAR(40),
    PRIMARY KEY (user_name)
);
CREATE INDEX IF NOT EXISTS rm_migration_state ON rm_migration (state, user_name);

CREATE TABLE IF NOT EXISTS rm_migration_phase (
    id    INTEGER     NOT NULL,
    phase VARCHAR(24) NOT NULL,
    PRIMARY KEY (id)
);
