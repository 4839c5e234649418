package dev.ledger.projections.performance;

import dev.ledger.domain.event.EventMetadata;
import dev.ledger.domain.event.FeeCharged;
import dev.ledger.domain.event.FundingSettled;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.FundsMigratedIn;
import dev.ledger.domain.event.FundsMigratedOut;
import dev.ledger.domain.event.PositionMigratedIn;
import dev.ledger.domain.event.PositionMigratedOut;
import dev.ledger.domain.event.FundsWithdrawn;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.event.ProfitShareReceived;
import dev.ledger.domain.event.ProfitShareSettled;
import dev.ledger.domain.event.TradeCopied;
import dev.ledger.domain.event.TransferReceived;
import dev.ledger.domain.event.TransferSent;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.CopiedPosition;
import dev.ledger.domain.value.Decimals;
import dev.ledger.projections.support.BufferedTable;
import dev.ledger.projections.valuation.AccountValuation;
import dev.ledger.projections.valuation.ValuationReader;
import dev.ledger.projections.support.ReadModelTables;
import dev.ledger.projections.support.StreamKeys;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.queryhandling.QueryHandler;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Running performance figures per account: realized PnL, fees, funding, profit share, net inflow and its peak,
 * round-trip wins and losses, and the drawdown of net PnL sampled after each command (events of one
 * command share its id, so a fill's realized PnL and its fee are one sample).
 */
public class PerformanceProjection {

    public static final String NAME = "performance";
    public static final List<String> TABLES = List.of("rm_performance", "rm_round_trip");

    private static final List<String> COLUMNS = List.of("realized_pnl", "fees", "funding", "net_inflow",
            "peak_net_inflow", "peak_net_pnl", "max_drawdown", "last_command_id", "wins", "losses", "profit_share");

    private final BufferedTable performance;
    private final BufferedTable roundTrips;
    private final ValuationReader valuations;

    public PerformanceProjection(ReadModelTables tables) {
        Objects.requireNonNull(tables, "tables");
        this.performance = tables.table("rm_performance", List.of("account"), COLUMNS)
                .prefetchedByStream(StreamKeys::account);
        this.roundTrips = tables.table("rm_round_trip", List.of("account", "symbol", "book", "copy_of"),
                List.of("result")).prefetchedByStream(StreamKeys::account);
        this.valuations = new ValuationReader(tables.connections());
    }

    @EventHandler
    void on(FundsDeposited event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        inflow(account(event.account(), commandId), event.amount());
    }

    @EventHandler
    void on(FundsWithdrawn event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        inflow(account(event.account(), commandId), event.amount().negate());
    }

    @EventHandler
    void on(TransferSent event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        inflow(account(event.from(), commandId), event.amount().negate());
    }

    @EventHandler
    void on(TransferReceived event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        inflow(account(event.to(), commandId), event.amount());
    }

    @EventHandler
    void on(PositionOpened event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        account(event.account(), commandId);
        roundTrip(event.account(), event.symbol(), event.book(), event.leader()).set("result", BigDecimal.ZERO);
    }

    @EventHandler
    void on(PositionReduced event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        realize(account(event.account(), commandId), roundTrip(event.account(), event.symbol(), event.book(),
                event.leader()), event.realizedPnl(), event.closed());
    }

    @EventHandler
    void on(PositionLiquidated event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        realize(account(event.account(), commandId), roundTrip(event.account(), event.symbol(), event.book(),
                event.leader()), event.realizedPnl(), true);
    }

    /** A mirrored lead trade counts in the copier's performance as a trade of its own would. */
    @EventHandler
    void on(TradeCopied event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        if (event.reduced() != null) {
            on(event.reduced(), commandId);
        }
        if (event.opened() != null) {
            on(event.opened(), commandId);
        }
        if (event.fee() != null) {
            on(event.fee(), commandId);
        }
        if (event.liquidated() != null) {
            on(event.liquidated(), commandId);
        }
    }

    /** Profit share paid by a copier: part of its net PnL, with a minus. */
    @EventHandler
    void on(ProfitShareSettled event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        account(event.account(), commandId).add("profit_share", event.paid().negate());
    }

    /** Profit share received by a leader. */
    @EventHandler
    void on(ProfitShareReceived event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        account(event.account(), commandId).add("profit_share", event.amount());
    }

    @EventHandler
    void on(FeeCharged event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        account(event.account(), commandId).add("fees", event.fee());
    }

    @EventHandler
    void on(FundingSettled event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        account(event.account(), commandId).add("funding", event.walletChange());
    }

    @EventHandler
    void on(FundsMigratedOut event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        inflow(account(event.account(), commandId), event.amount().negate());
    }

    @EventHandler
    void on(FundsMigratedIn event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        inflow(account(event.account(), commandId), event.amount());
    }

    /** A migrated position's round trip ends in the legacy account with what was realized there. */
    @EventHandler
    void on(PositionMigratedOut event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        realize(account(event.account(), commandId), roundTrip(event.account(), event.symbol(), event.book(), null),
                BigDecimal.ZERO, true);
    }

    /** ... and a new one starts in its new account. */
    @EventHandler
    void on(PositionMigratedIn event, @MetaDataValue(EventMetadata.COMMAND_ID) String commandId) {
        account(event.account(), commandId);
        roundTrip(event.account(), event.symbol(), Book.PERSONAL, null).set("result", BigDecimal.ZERO);
    }

    @QueryHandler
    public Optional<PerformanceView> handle(FindPerformance query) {
        Optional<AccountValuation> valuation = valuations.value(query.account());
        if (valuation.isEmpty()) {
            return Optional.empty();
        }
        BufferedTable.Row row = performance.readCommitted(query.account());
        return Optional.of(view(query.account(), row, valuation.get().unrealizedPnl()));
    }

    /** The view from a performance row ({@code null}: nothing happened yet) and the unrealized PnL now. */
    public static PerformanceView view(String account, BufferedTable.Row row, BigDecimal unrealizedPnl) {
        BigDecimal realized = row == null ? BigDecimal.ZERO : row.decimal("realized_pnl");
        BigDecimal fees = row == null ? BigDecimal.ZERO : row.decimal("fees");
        BigDecimal funding = row == null ? BigDecimal.ZERO : row.decimal("funding");
        BigDecimal netInflow = row == null ? BigDecimal.ZERO : row.decimal("net_inflow");
        BigDecimal peakNetInflow = row == null ? BigDecimal.ZERO : row.decimal("peak_net_inflow");
        BigDecimal peakNetPnl = row == null ? BigDecimal.ZERO : row.decimal("peak_net_pnl");
        BigDecimal maxDrawdown = row == null ? BigDecimal.ZERO : row.decimal("max_drawdown");
        int wins = row == null ? 0 : row.integer("wins");
        int losses = row == null ? 0 : row.integer("losses");
        BigDecimal profitShare = row == null ? BigDecimal.ZERO : row.decimal("profit_share");
        BigDecimal netPnl = realized.subtract(fees).add(funding).add(profitShare);
        BigDecimal totalPnl = netPnl.add(unrealizedPnl);
        // The latest command's sample: its fall from the highest earlier sample.
        BigDecimal drawdown = maxDrawdown.max(peakNetPnl.subtract(netPnl));
        BigDecimal roi = peakNetInflow.signum() == 0 ? null
                : totalPnl.divide(peakNetInflow, Decimals.SCALE, Decimals.ROUNDING);
        BigDecimal winRate = wins + losses == 0 ? null
                : BigDecimal.valueOf(wins).divide(BigDecimal.valueOf(wins + losses), Decimals.SCALE, Decimals.ROUNDING);
        return new PerformanceView(account, s(realized), s(fees), s(funding), s(profitShare), s(netPnl), s(unrealizedPnl),
                s(totalPnl), s(netInflow), s(peakNetInflow), roi, wins, losses, winRate, s(drawdown.max(BigDecimal.ZERO)));
    }

    /** The round trip of one position: per symbol (and book in LEGACY, and copied leader in COPY). */
    private BufferedTable.Row roundTrip(String account, String symbol, Book book, String leader) {
        return roundTrips.row(account, symbol, book.name(), CopiedPosition.copyOf(account, book, leader));
    }

    private void realize(BufferedTable.Row row, BufferedTable.Row trip, BigDecimal realized, boolean closed) {
        row.add("realized_pnl", realized);
        BigDecimal result = trip.decimal("result").add(realized);
        if (closed) {
            if (result.signum() > 0) {
                row.set("wins", row.integer("wins") + 1);
            } else if (result.signum() < 0) {
                row.set("losses", row.integer("losses") + 1);
            }
            trip.delete();
        } else {
            trip.set("result", result);
        }
    }

    private static void inflow(BufferedTable.Row row, BigDecimal change) {
        BigDecimal netInflow = row.decimal("net_inflow").add(change);
        row.set("net_inflow", netInflow);
        row.set("peak_net_inflow", row.decimal("peak_net_inflow").max(netInflow));
    }

    /**
     * The account's row, after closing the previous command's drawdown sample when this event belongs
     * to a new command.
     */
    private BufferedTable.Row account(String account, String commandId) {
        BufferedTable.Row row = performance.row(account);
        if (row.isNull("realized_pnl")) {
            for (String column : COLUMNS) {
                row.set(column, column.equals("last_command_id") ? null
                        : column.equals("wins") || column.equals("losses") ? (Object) 0 : BigDecimal.ZERO);
            }
        }
        if (commandId == null || !commandId.equals(row.string("last_command_id"))) {
            BigDecimal netPnl = row.decimal("realized_pnl").subtract(row.decimal("fees")).add(row.decimal("funding"))
                    .add(row.decimal("profit_share"));
            BigDecimal peak = row.decimal("peak_net_pnl").max(netPnl);
            row.set("peak_net_pnl", peak);
            row.set("max_drawdown", row.decimal("max_drawdown").max(peak.subtract(netPnl)));
            row.set("last_command_id", commandId);
        }
        return row;
    }

    private static BigDecimal s(BigDecimal value) {
        return value.setScale(Decimals.SCALE, Decimals.ROUNDING);
    }
}
