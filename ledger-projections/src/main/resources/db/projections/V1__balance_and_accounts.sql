-- Read models. Disposable: every row here can be rebuilt from the event store.

CREATE TABLE IF NOT EXISTS rm_account (
    account      VARCHAR(80) NOT NULL,
    user_name    VARCHAR(64) NOT NULL,
    account_type VARCHAR(8)  NOT NULL,
    status       VARCHAR(8)  NOT NULL,
    opened_at    VARCHAR(40) NOT NULL,
    PRIMARY KEY (account)
);
CREATE INDEX IF NOT EXISTS rm_account_user ON rm_account (user_name);

-- Booked money per account and asset. Margins, unrealized PnL, equity and available are computed at
-- query time from rm_position and the latest marks, so they are current with every mark tick.
CREATE TABLE IF NOT EXISTS rm_balance (
    account    VARCHAR(80)    NOT NULL,
    asset      VARCHAR(20)    NOT NULL,
    wallet     NUMERIC(38, 8) NOT NULL,
    in_transit NUMERIC(38, 8) NOT NULL,
    PRIMARY KEY (account, asset)
);
