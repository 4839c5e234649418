-- Copy trading. A COPY account holds one position per symbol and leader beside its own: positions and
-- round trips are keyed by copy_of too (the leader a COPY account's position copies, '' for every other
-- position; a legacy COPY-book position keeps its first leader and is one per symbol, so it has '').
-- Both tables are made anew and replayed (with the performance read model, which owns the round trips).

DROP TABLE IF EXISTS rm_position;
DROP TABLE IF EXISTS rm_position_rebuild;
DROP TABLE IF EXISTS rm_round_trip;
DROP TABLE IF EXISTS rm_round_trip_rebuild;

CREATE TABLE IF NOT EXISTS rm_position (
    account         VARCHAR(80)    NOT NULL,
    symbol          VARCHAR(20)    NOT NULL,
    book            VARCHAR(8)     NOT NULL,
    copy_of         VARCHAR(64)    NOT NULL,
    leader          VARCHAR(64),
    side            VARCHAR(5)     NOT NULL,
    quantity        NUMERIC(38, 8) NOT NULL,
    entry_notional  NUMERIC(38, 8) NOT NULL,
    leverage        INTEGER        NOT NULL,
    margin_mode     VARCHAR(8)     NOT NULL,
    position_margin NUMERIC(38, 8) NOT NULL,
    settle_asset    VARCHAR(20)    NOT NULL,
    PRIMARY KEY (account, symbol, book, copy_of)
);
-- query followers: every copied position of a leader at once.
CREATE INDEX IF NOT EXISTS rm_position_copy_of ON rm_position (copy_of);

CREATE TABLE IF NOT EXISTS rm_position_rebuild (
    account         VARCHAR(80)    NOT NULL,
    symbol          VARCHAR(20)    NOT NULL,
    book            VARCHAR(8)     NOT NULL,
    copy_of         VARCHAR(64)    NOT NULL,
    leader          VARCHAR(64),
    side            VARCHAR(5)     NOT NULL,
    quantity        NUMERIC(38, 8) NOT NULL,
    entry_notional  NUMERIC(38, 8) NOT NULL,
    leverage        INTEGER        NOT NULL,
    margin_mode     VARCHAR(8)     NOT NULL,
    position_margin NUMERIC(38, 8) NOT NULL,
    settle_asset    VARCHAR(20)    NOT NULL,
    PRIMARY KEY (account, symbol, book, copy_of)
);

CREATE TABLE IF NOT EXISTS rm_round_trip (
    account VARCHAR(80)    NOT NULL,
    symbol  VARCHAR(20)    NOT NULL,
    book    VARCHAR(8)     NOT NULL,
    copy_of VARCHAR(64)    NOT NULL,
    result  NUMERIC(38, 8) NOT NULL,
    PRIMARY KEY (account, symbol, book, copy_of)
);

CREATE TABLE IF NOT EXISTS rm_round_trip_rebuild (
    account VARCHAR(80)    NOT NULL,
    symbol  VARCHAR(20)    NOT NULL,
    book    VARCHAR(8)     NOT NULL,
    copy_of VARCHAR(64)    NOT NULL,
    result  NUMERIC(38, 8) NOT NULL,
    PRIMARY KEY (account, symbol, book, copy_of)
);

-- Profit share received (+) or paid (-), part of net PnL.
ALTER TABLE rm_performance ADD COLUMN IF NOT EXISTS profit_share NUMERIC(38, 8) DEFAULT 0 NOT NULL;
ALTER TABLE rm_performance_rebuild ADD COLUMN IF NOT EXISTS profit_share NUMERIC(38, 8) DEFAULT 0 NOT NULL;

DELETE FROM rm_performance;
UPDATE rm_projection_state SET position = -1, owner = NULL, progress_at = NULL WHERE name IN ('positions', 'performance');

-- Leaders' terms and active followers.
CREATE TABLE IF NOT EXISTS rm_leader (
    leader            VARCHAR(64)    NOT NULL,
    profit_share_rate NUMERIC(20, 8) NOT NULL,
    max_followers     INTEGER        NOT NULL,
    active_followers  INTEGER        NOT NULL,
    PRIMARY KEY (leader)
);
CREATE TABLE IF NOT EXISTS rm_leader_rebuild (
    leader            VARCHAR(64)    NOT NULL,
    profit_share_rate NUMERIC(20, 8) NOT NULL,
    max_followers     INTEGER        NOT NULL,
    active_followers  INTEGER        NOT NULL,
    PRIMARY KEY (leader)
);

-- Each pair (copier, leader): its latest follow, and counts over all of its follows.
CREATE TABLE IF NOT EXISTS rm_follow (
    copier            VARCHAR(64)    NOT NULL,
    leader            VARCHAR(64)    NOT NULL,
    state             VARCHAR(8)     NOT NULL,
    end_reason        VARCHAR(12),
    close_mode        VARCHAR(12),
    mode              VARCHAR(12)    NOT NULL,
    amount            NUMERIC(38, 8),
    ratio             NUMERIC(20, 8),
    max_total_margin  NUMERIC(38, 8),
    max_loss          NUMERIC(38, 8),
    profit_share_rate NUMERIC(20, 8) NOT NULL,
    copied            INTEGER        NOT NULL,
    clipped           INTEGER        NOT NULL,
    skipped           INTEGER        NOT NULL,
    PRIMARY KEY (copier, leader)
);
CREATE INDEX IF NOT EXISTS rm_follow_leader ON rm_follow (leader, copier);
CREATE TABLE IF NOT EXISTS rm_follow_rebuild (
    copier            VARCHAR(64)    NOT NULL,
    leader            VARCHAR(64)    NOT NULL,
    state             VARCHAR(8)     NOT NULL,
    end_reason        VARCHAR(12),
    close_mode        VARCHAR(12),
    mode              VARCHAR(12)    NOT NULL,
    amount            NUMERIC(38, 8),
    ratio             NUMERIC(20, 8),
    max_total_margin  NUMERIC(38, 8),
    max_loss          NUMERIC(38, 8),
    profit_share_rate NUMERIC(20, 8) NOT NULL,
    copied            INTEGER        NOT NULL,
    clipped           INTEGER        NOT NULL,
    skipped           INTEGER        NOT NULL,
    PRIMARY KEY (copier, leader)
);

-- What was booked on a copier's positions of a leader, per asset, and the profit share.
CREATE TABLE IF NOT EXISTS rm_follow_asset (
    copier          VARCHAR(64)    NOT NULL,
    leader          VARCHAR(64)    NOT NULL,
    asset           VARCHAR(20)    NOT NULL,
    realized_pnl    NUMERIC(38, 8) NOT NULL,
    fees            NUMERIC(38, 8) NOT NULL,
    funding         NUMERIC(38, 8) NOT NULL,
    high_water_mark NUMERIC(38, 8) NOT NULL,
    paid            NUMERIC(38, 8) NOT NULL,
    owed            NUMERIC(38, 8) NOT NULL,
    PRIMARY KEY (copier, leader, asset)
);
CREATE INDEX IF NOT EXISTS rm_follow_asset_leader ON rm_follow_asset (leader, copier);
CREATE TABLE IF NOT EXISTS rm_follow_asset_rebuild (
    copier          VARCHAR(64)    NOT NULL,
    leader          VARCHAR(64)    NOT NULL,
    asset           VARCHAR(20)    NOT NULL,
    realized_pnl    NUMERIC(38, 8) NOT NULL,
    fees            NUMERIC(38, 8) NOT NULL,
    funding         NUMERIC(38, 8) NOT NULL,
    high_water_mark NUMERIC(38, 8) NOT NULL,
    paid            NUMERIC(38, 8) NOT NULL,
    owed            NUMERIC(38, 8) NOT NULL,
    PRIMARY KEY (copier, leader, asset)
);

-- One row per lead trade a copier's follow looked at, in the order of the copier's account (seq: the
-- sequence number of the TradeCopied event in the copier's COPY account).
CREATE TABLE IF NOT EXISTS rm_copy_outcome (
    copier        VARCHAR(64)    NOT NULL,
    seq           BIGINT         NOT NULL,
    lead_trade    VARCHAR(128)   NOT NULL,
    leader        VARCHAR(64)    NOT NULL,
    symbol        VARCHAR(20)    NOT NULL,
    lead_quantity NUMERIC(38, 8) NOT NULL,
    quantity      NUMERIC(38, 8) NOT NULL,
    outcome       VARCHAR(8)     NOT NULL,
    reason        VARCHAR(24),
    PRIMARY KEY (copier, seq)
);
CREATE INDEX IF NOT EXISTS rm_copy_outcome_leader ON rm_copy_outcome (copier, leader, seq);
CREATE TABLE IF NOT EXISTS rm_copy_outcome_rebuild (
    copier        VARCHAR(64)    NOT NULL,
    seq           BIGINT         NOT NULL,
    lead_trade    VARCHAR(128)   NOT NULL,
    leader        VARCHAR(64)    NOT NULL,
    symbol        VARCHAR(20)    NOT NULL,
    lead_quantity NUMERIC(38, 8) NOT NULL,
    quantity      NUMERIC(38, 8) NOT NULL,
    outcome       VARCHAR(8)     NOT NULL,
    reason        VARCHAR(24),
    PRIMARY KEY (copier, seq)
);
