-- Rebuilds: every read-model table has a shadow twin that a rebuild fills while the live table keeps
-- serving, and a generation per projection that a rebuild's switch bumps, so that a live batch that
-- started before the switch fails and is retried on the rebuilt rows instead of overwriting them.

CREATE TABLE IF NOT EXISTS rm_projection_state (
    name       VARCHAR(40) NOT NULL,
    generation BIGINT      NOT NULL,
    PRIMARY KEY (name)
);
INSERT INTO rm_projection_state (name, generation) SELECT 'accounts', 0 WHERE NOT EXISTS (SELECT 1 FROM rm_projection_state WHERE name = 'accounts');
INSERT INTO rm_projection_state (name, generation) SELECT 'balance', 0 WHERE NOT EXISTS (SELECT 1 FROM rm_projection_state WHERE name = 'balance');
INSERT INTO rm_projection_state (name, generation) SELECT 'positions', 0 WHERE NOT EXISTS (SELECT 1 FROM rm_projection_state WHERE name = 'positions');
INSERT INTO rm_projection_state (name, generation) SELECT 'market', 0 WHERE NOT EXISTS (SELECT 1 FROM rm_projection_state WHERE name = 'market');
INSERT INTO rm_projection_state (name, generation) SELECT 'performance', 0 WHERE NOT EXISTS (SELECT 1 FROM rm_projection_state WHERE name = 'performance');
INSERT INTO rm_projection_state (name, generation) SELECT 'migration', 0 WHERE NOT EXISTS (SELECT 1 FROM rm_projection_state WHERE name = 'migration');

CREATE TABLE IF NOT EXISTS rm_account_rebuild (
    account      VARCHAR(80) NOT NULL,
    user_name    VARCHAR(64) NOT NULL,
    account_type VARCHAR(8)  NOT NULL,
    status       VARCHAR(8)  NOT NULL,
    opened_at    VARCHAR(40) NOT NULL,
    PRIMARY KEY (account)
);

CREATE TABLE IF NOT EXISTS rm_balance_rebuild (
    account    VARCHAR(80)    NOT NULL,
    asset      VARCHAR(20)    NOT NULL,
    wallet     NUMERIC(38, 8) NOT NULL,
    in_transit NUMERIC(38, 8) NOT NULL,
    PRIMARY KEY (account, asset)
);

CREATE TABLE IF NOT EXISTS rm_symbol_rebuild (
    symbol                  VARCHAR(20)    NOT NULL,
    settle_asset            VARCHAR(20)    NOT NULL,
    maintenance_margin_rate NUMERIC(20, 8) NOT NULL,
    max_leverage            INTEGER        NOT NULL,
    PRIMARY KEY (symbol)
);

CREATE TABLE IF NOT EXISTS rm_mark_price_rebuild (
    symbol VARCHAR(20)    NOT NULL,
    price  NUMERIC(38, 8) NOT NULL,
    PRIMARY KEY (symbol)
);

CREATE TABLE IF NOT EXISTS rm_position_rebuild (
    account         VARCHAR(80)    NOT NULL,
    symbol          VARCHAR(20)    NOT NULL,
    book            VARCHAR(8)     NOT NULL,
    leader          VARCHAR(64),
    side            VARCHAR(5)     NOT NULL,
    quantity        NUMERIC(38, 8) NOT NULL,
    entry_notional  NUMERIC(38, 8) NOT NULL,
    leverage        INTEGER        NOT NULL,
    margin_mode     VARCHAR(8)     NOT NULL,
    position_margin NUMERIC(38, 8) NOT NULL,
    settle_asset    VARCHAR(20)    NOT NULL,
    PRIMARY KEY (account, symbol, book)
);

CREATE TABLE IF NOT EXISTS rm_performance_rebuild (
    account         VARCHAR(80)    NOT NULL,
    realized_pnl    NUMERIC(38, 8) NOT NULL,
    fees            NUMERIC(38, 8) NOT NULL,
    funding         NUMERIC(38, 8) NOT NULL,
    net_inflow      NUMERIC(38, 8) NOT NULL,
    peak_net_inflow NUMERIC(38, 8) NOT NULL,
    peak_net_pnl    NUMERIC(38, 8) NOT NULL,
    max_drawdown    NUMERIC(38, 8) NOT NULL,
    last_command_id VARCHAR(128),
    wins            INTEGER        NOT NULL,
    losses          INTEGER        NOT NULL,
    PRIMARY KEY (account)
);

CREATE TABLE IF NOT EXISTS rm_round_trip_rebuild (
    account VARCHAR(80)    NOT NULL,
    symbol  VARCHAR(20)    NOT NULL,
    book    VARCHAR(8)     NOT NULL,
    result  NUMERIC(38, 8) NOT NULL,
    PRIMARY KEY (account, symbol, book)
);

CREATE TABLE IF NOT EXISTS rm_migration_rebuild (
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

CREATE TABLE IF NOT EXISTS rm_migration_phase_rebuild (
    id    INTEGER     NOT NULL,
    phase VARCHAR(24) NOT NULL,
    PRIMARY KEY (id)
);
