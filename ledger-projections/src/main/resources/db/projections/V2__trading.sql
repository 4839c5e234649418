CREATE TABLE IF NOT EXISTS rm_symbol (
    symbol                  VARCHAR(20)    NOT NULL,
    settle_asset            VARCHAR(20)    NOT NULL,
    maintenance_margin_rate NUMERIC(20, 8) NOT NULL,
    max_leverage            INTEGER        NOT NULL,
    PRIMARY KEY (symbol)
);

CREATE TABLE IF NOT EXISTS rm_mark_price (
    symbol VARCHAR(20)    NOT NULL,
    price  NUMERIC(38, 8) NOT NULL,
    PRIMARY KEY (symbol)
);

-- Open positions (one per account and symbol; per account, symbol and book in LEGACY accounts).
CREATE TABLE IF NOT EXISTS rm_position (
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

-- Running performance figures per account; unrealized PnL is added at query time.
CREATE TABLE IF NOT EXISTS rm_performance (
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

-- The realized result of each open round trip (the life of one position).
CREATE TABLE IF NOT EXISTS rm_round_trip (
    account VARCHAR(80)    NOT NULL,
    symbol  VARCHAR(20)    NOT NULL,
    book    VARCHAR(8)     NOT NULL,
    result  NUMERIC(38, 8) NOT NULL,
    PRIMARY KEY (account, symbol, book)
);
