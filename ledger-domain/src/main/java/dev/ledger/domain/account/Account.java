package dev.ledger.domain.account;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.domain.command.CommandRejectedException;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.event.AccountOpened;
import dev.ledger.domain.event.FeeCharged;
import dev.ledger.domain.event.FundingSettled;
import dev.ledger.domain.event.FundsMigratedIn;
import dev.ledger.domain.event.FundsMigratedOut;
import dev.ledger.domain.event.MigrationCompleted;
import dev.ledger.domain.event.MigrationOverdue;
import dev.ledger.domain.event.MigrationStarted;
import dev.ledger.domain.event.PositionMigratedIn;
import dev.ledger.domain.event.PositionMigratedOut;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.FundsWithdrawn;
import dev.ledger.domain.event.InsuranceFundCovered;
import dev.ledger.domain.event.IsolatedMarginAdjusted;
import dev.ledger.domain.event.PositionIncreased;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.event.TransferReceived;
import dev.ledger.domain.event.TransferSent;
import dev.ledger.domain.event.TransferSettled;
import dev.ledger.domain.market.MarketState;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.Decimals;
import dev.ledger.domain.value.MarginMode;
import dev.ledger.domain.value.MigrationPhase;
import dev.ledger.domain.value.PositionSide;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import dev.ledger.domain.value.SymbolSpec;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One account of one user: its wallets per asset, money in flight, and its positions. Every decision
 * is made on state rebuilt from this account's own events plus the market's listings and marks, so
 * nothing in another account can change it. A method either refuses (throwing
 * {@link CommandRejectedException}) before it applies anything, or applies all of its events: a refused
 * command never leaves a half-changed aggregate. Amounts are rounded by {@link Decimals#round8} once,
 * where they are booked.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class Account {

    @AggregateIdentifier
    private String accountId;
    private AccountType type;
    private boolean retired;
    private boolean migrationStarted;
    private Instant migrationStartedAt;
    private boolean migrationOverdue;
    private boolean everHadEliteFill;
    private final TreeMap<String, AssetBalance> balances = new TreeMap<>();
    private final TreeMap<String, Position> positions = new TreeMap<>();

    /** For Axon, which rebuilds the aggregate from its events. */
    protected Account() {
    }

    Account(AccountId id) {
        apply(new AccountOpened(id.toString(), id.user(), id.type()));
    }

    public String accountId() {
        return accountId;
    }

    public AccountType type() {
        return type;
    }

    public boolean isRetired() {
        return retired;
    }

    /** The wallet balance of {@code asset}: what was booked, in and out. */
    public BigDecimal wallet(String asset) {
        AssetBalance balance = balances.get(asset);
        return balance == null ? BigDecimal.ZERO : balance.wallet;
    }

    // ---------------------------------------------------------------- money in and out

    void deposit(String asset, BigDecimal amount) {
        apply(new FundsDeposited(accountId, asset, amount, wallet(asset).add(amount)));
    }

    void withdraw(String asset, BigDecimal amount, MarketState market) {
        requireAvailable(asset, amount, "withdraw", market);
        apply(new FundsWithdrawn(accountId, asset, amount, wallet(asset).subtract(amount)));
    }

    void sendTransfer(String transferId, String to, String asset, BigDecimal amount, MarketState market) {
        requireAvailable(asset, amount, "transfer", market);
        apply(new TransferSent(transferId, accountId, to, asset, amount,
                wallet(asset).subtract(amount), inTransit(asset).add(amount)));
    }

    void receiveTransfer(String transferId, String from, String asset, BigDecimal amount) {
        apply(new TransferReceived(transferId, from, accountId, asset, amount, wallet(asset).add(amount)));
    }

    void settleTransfer(String transferId, String to, String asset, BigDecimal amount) {
        BigDecimal inTransitAfter = inTransit(asset).subtract(amount);
        if (inTransitAfter.signum() < 0) {
            throw new IllegalStateException("transfer " + transferId + " settles more than is in transit on " + accountId);
        }
        apply(new TransferSettled(transferId, accountId, to, asset, amount, inTransitAfter));
    }

    // ---------------------------------------------------------------- trading

    /** Books a fill: reduce (and maybe flip) or open/increase, then the fee; see the Positions rules. */
    void recordFill(RecordFill fill, SymbolSpec spec, MarketState market) {
        Book book = type == AccountType.LEGACY ? fill.book() : Book.PERSONAL;
        String leader = type == AccountType.LEGACY && book == Book.COPY ? fill.leader() : null;
        String key = Position.key(fill.symbol(), book);
        Position existing = positions.get(key);
        PositionSide direction = fill.side() == Side.BUY ? PositionSide.LONG : PositionSide.SHORT;
        String asset = existing != null ? existing.settleAsset : spec.settleAsset();
        int leverage = fill.leverage();
        BigDecimal price = fill.price();
        BigDecimal quantity = fill.quantity();

        boolean increases = existing == null || existing.side == direction;
        BigDecimal reduceQuantity = increases ? BigDecimal.ZERO : quantity.min(existing.quantity);
        BigDecimal openQuantity = quantity.subtract(reduceQuantity);
        boolean opens = openQuantity.signum() > 0;

        if (opens) {
            requireOpeningAllowed(book, existing != null && existing.side == direction, fill.symbol(),
                    market.migrationPhase());
        }
        if (increases && existing != null) {
            if (existing.leverage != leverage) {
                throw new CommandRejectedException(RejectionCode.LEVERAGE_MISMATCH, "the " + describe(existing)
                        + " has leverage " + existing.leverage + "; the fill has " + leverage);
            }
            if (existing.marginMode != fill.marginMode()) {
                throw new CommandRejectedException(RejectionCode.MARGIN_MODE_MISMATCH, "the " + describe(existing)
                        + " is " + existing.marginMode + "; the fill is " + fill.marginMode());
            }
        }

        List<Object> events = new ArrayList<>(3);
        BigDecimal wallet = wallet(asset);
        Position after = existing == null ? null : existing.copy();
        if (reduceQuantity.signum() > 0) {
            PositionReduced reduced = reduce(after, fill.id(), reduceQuantity, price, wallet);
            events.add(reduced);
            wallet = reduced.walletAfter();
            after = reduced.closed() ? null : after;
        }
        if (opens) {
            BigDecimal notional = Decimals.round8(price.multiply(openQuantity));
            BigDecimal margin = fill.marginMode() == MarginMode.ISOLATED
                    ? price.multiply(openQuantity).divide(BigDecimal.valueOf(leverage), Decimals.SCALE, Decimals.ROUNDING)
                    : BigDecimal.ZERO;
            if (after == null) {
                after = new Position(fill.symbol(), asset, book, leader, direction, openQuantity, notional, leverage,
                        fill.marginMode(), margin);
                events.add(new PositionOpened(accountId, fill.id(), fill.symbol(), asset, book, leader, direction,
                        openQuantity, price, notional, leverage, fill.marginMode(), margin));
            } else {
                after.quantity = after.quantity.add(openQuantity);
                after.entryNotional = after.entryNotional.add(notional);
                after.positionMargin = after.positionMargin.add(margin);
                events.add(new PositionIncreased(accountId, fill.id(), fill.symbol(), asset, book, direction,
                        openQuantity, price, notional, margin, after.quantity, after.entryNotional, after.positionMargin));
            }
        }
        if (fill.fee().signum() > 0) {
            wallet = wallet.subtract(fill.fee());
            events.add(new FeeCharged(accountId, fill.id(), fill.symbol(), asset, fill.fee(), wallet));
        }
        if (opens) {
            Map<String, Position> hypothetical = new TreeMap<>(positions);
            if (after == null) {
                hypothetical.remove(key);
            } else {
                hypothetical.put(key, after);
            }
            BigDecimal availableAfter = available(asset, wallet, hypothetical.values(), market);
            if (availableAfter.signum() < 0) {
                throw new CommandRejectedException(RejectionCode.INSUFFICIENT_MARGIN, "the fill would leave "
                        + accountId + " with available " + availableAfter.toPlainString() + " " + asset);
            }
        }
        events.forEach(event -> apply(event));
    }

    /** Moves free balance into or out of an ISOLATED position's margin. */
    void adjustIsolatedMargin(String commandId, String symbol, Book requestedBook, BigDecimal amount, MarketState market) {
        Position position = position(symbol, requestedBook);
        if (!position.isIsolated()) {
            throw new CommandRejectedException(RejectionCode.MARGIN_MODE_MISMATCH,
                    "the " + describe(position) + " is CROSS; only ISOLATED margin can be adjusted");
        }
        if (amount.signum() > 0) {
            requireAvailable(position.settleAsset, amount, "move into margin", market);
        } else {
            BigDecimal marginAfter = position.positionMargin.add(amount);
            BigDecimal floor = position.initialMargin();
            if (marginAfter.compareTo(floor) < 0) {
                throw new CommandRejectedException(RejectionCode.INSUFFICIENT_MARGIN, "the " + describe(position)
                        + " needs margin of at least " + floor.toPlainString() + "; removing "
                        + amount.negate().toPlainString() + " would leave " + marginAfter.toPlainString());
            }
        }
        apply(new IsolatedMarginAdjusted(accountId, commandId, symbol, position.settleAsset, position.book, amount,
                position.positionMargin.add(amount)));
    }

    /** Books a funding payment {@code round8(quantity*markPrice*rate)}: LONG pays, SHORT receives. */
    void settleFunding(String commandId, String symbol, Book requestedBook, BigDecimal rate, BigDecimal markPrice) {
        Position position = position(symbol, requestedBook);
        BigDecimal payment = Decimals.round8(position.quantity.multiply(markPrice).multiply(rate));
        BigDecimal walletChange = position.side == PositionSide.LONG ? payment.negate() : payment;
        apply(new FundingSettled(accountId, commandId, symbol, position.settleAsset, position.book, position.side,
                position.quantity, markPrice, rate, payment, walletChange,
                wallet(position.settleAsset).add(walletChange)));
    }

    /**
     * Closes the whole position at {@code price} as a reduce with no fee. A loss is capped at the
     * position's margin (ISOLATED) or at {@code max(wallet, 0)} (CROSS); the insurance fund covers the rest.
     */
    void liquidate(String commandId, String symbol, Book requestedBook, BigDecimal price) {
        Position position = position(symbol, requestedBook);
        BigDecimal value = Decimals.round8(price.multiply(position.quantity));
        BigDecimal uncapped = position.side == PositionSide.LONG
                ? value.subtract(position.entryNotional) : position.entryNotional.subtract(value);
        BigDecimal wallet = wallet(position.settleAsset);
        BigDecimal bearable = position.isIsolated() ? position.positionMargin : wallet.max(BigDecimal.ZERO);
        BigDecimal booked = uncapped.max(bearable.negate());
        BigDecimal cover = booked.subtract(uncapped);
        apply(new PositionLiquidated(accountId, commandId, symbol, position.settleAsset, position.book, position.side,
                position.marginMode, position.quantity, price, position.entryNotional, position.positionMargin,
                uncapped, booked, cover, wallet.add(booked)));
        if (cover.signum() > 0) {
            apply(new InsuranceFundCovered(accountId, commandId, symbol, position.settleAsset, position.book, cover));
        }
    }

    // ---------------------------------------------------------------- migration of a legacy account

    boolean isMigrationStarted() {
        return migrationStarted;
    }

    boolean everHadEliteFill() {
        return everHadEliteFill;
    }

    /** Starts the migration; a second start (or a start after completion) changes nothing. */
    void startMigration(String user) {
        requireLegacy("start a migration");
        if (migrationStarted || retired) {
            return;
        }
        apply(new MigrationStarted(accountId, user, openPositions(Book.COPY), openPositions(Book.ELITE)));
    }

    /** Records that the migration has waited too long, once, and only while it still waits. */
    void markMigrationOverdue(String user) {
        requireLegacy("mark a migration overdue");
        if (!migrationStarted || retired || migrationOverdue) {
            return;
        }
        apply(new MigrationOverdue(accountId, user, migrationStartedAt, openPositions(Book.COPY),
                openPositions(Book.ELITE)));
    }

    /** The assets of every wallet entry, even those at zero. */
    List<String> assets() {
        return List.copyOf(balances.keySet());
    }

    /** Copies of the PERSONAL positions, in key order. */
    List<Position> personalPositions() {
        List<Position> personal = new ArrayList<>();
        for (Position position : positions.values()) {
            if (position.book == Book.PERSONAL) {
                personal.add(position.copy());
            }
        }
        return personal;
    }

    void migrateFundsOut(String asset, String to) {
        requireLegacy("migrate funds");
        apply(new FundsMigratedOut(accountId, to, asset, wallet(asset), BigDecimal.ZERO));
    }

    void migrateFundsIn(String asset, String from, BigDecimal amount) {
        apply(new FundsMigratedIn(accountId, from, asset, amount, wallet(asset).add(amount)));
    }

    void migratePositionOut(Position position, String to) {
        requireLegacy("migrate positions");
        apply(new PositionMigratedOut(accountId, to, position.symbol, position.settleAsset, position.book,
                position.side, position.quantity, position.entryNotional, position.leverage, position.marginMode,
                position.positionMargin));
    }

    void migratePositionIn(Position position, String from) {
        if (positions.containsKey(Position.key(position.symbol, Book.PERSONAL))) {
            throw new IllegalStateException(accountId + " already has a position in " + position.symbol);
        }
        apply(new PositionMigratedIn(accountId, from, position.symbol, position.settleAsset, position.side,
                position.quantity, position.entryNotional, position.leverage, position.marginMode,
                position.positionMargin));
    }

    void completeMigration(String user, List<String> openedAccounts) {
        requireLegacy("complete a migration");
        if (!positions.isEmpty() || balances.values().stream().anyMatch(b -> b.wallet.signum() != 0 || b.inTransit.signum() != 0)) {
            throw new IllegalStateException("the migration of " + accountId + " would leave money or positions behind");
        }
        apply(new MigrationCompleted(accountId, user, openedAccounts));
    }

    private void requireLegacy(String what) {
        if (type != AccountType.LEGACY) {
            throw new IllegalStateException("cannot " + what + " on " + accountId + ": only LEGACY accounts migrate");
        }
    }

    // ---------------------------------------------------------------- figures

    /**
     * {@code available = wallet - isolatedMargin - crossInitialMargin + min(0, crossUnrealizedPnl)} in
     * {@code asset}, at the latest marks. An isolated position's loss is bounded by its own margin.
     */
    public BigDecimal available(String asset, MarketState market) {
        return available(asset, wallet(asset), positions.values(), market);
    }

    private static BigDecimal available(String asset, BigDecimal wallet, Collection<Position> positions,
                                        MarketState market) {
        BigDecimal held = BigDecimal.ZERO;
        BigDecimal crossUnrealized = BigDecimal.ZERO;
        for (Position position : positions) {
            if (!position.settleAsset.equals(asset)) {
                continue;
            }
            if (position.isIsolated()) {
                held = held.add(position.positionMargin);
            } else {
                held = held.add(position.initialMargin());
                crossUnrealized = crossUnrealized.add(position.unrealizedPnl(market.markPrice(position.symbol)));
            }
        }
        return wallet.subtract(held).add(crossUnrealized.min(BigDecimal.ZERO));
    }

    /** Open COPY-book and ELITE-book positions of a legacy account. */
    public int openPositions(Book book) {
        int count = 0;
        for (Position position : positions.values()) {
            if (position.book == book) {
                count++;
            }
        }
        return count;
    }

    private PositionReduced reduce(Position position, String tradeId, BigDecimal quantity, BigDecimal price,
                                   BigDecimal wallet) {
        boolean closes = quantity.compareTo(position.quantity) == 0;
        BigDecimal releasedCost = closes ? position.entryNotional
                : position.entryNotional.multiply(quantity).divide(position.quantity, Decimals.SCALE, Decimals.ROUNDING);
        BigDecimal value = Decimals.round8(price.multiply(quantity));
        BigDecimal realized = position.side == PositionSide.LONG ? value.subtract(releasedCost) : releasedCost.subtract(value);
        BigDecimal releasedMargin = !position.isIsolated() ? BigDecimal.ZERO
                : closes ? position.positionMargin
                : position.positionMargin.multiply(quantity).divide(position.quantity, Decimals.SCALE, Decimals.ROUNDING);
        position.entryNotional = position.entryNotional.subtract(releasedCost);
        position.positionMargin = position.positionMargin.subtract(releasedMargin);
        position.quantity = position.quantity.subtract(quantity);
        return new PositionReduced(accountId, tradeId, position.symbol, position.settleAsset, position.book,
                position.side, quantity, price, releasedCost, releasedMargin, realized, position.quantity,
                position.entryNotional, position.positionMargin, wallet.add(realized));
    }

    /** Phase and migration restrictions on LEGACY fills that open or increase a position. */
    private void requireOpeningAllowed(Book book, boolean increase, String symbol, MigrationPhase phase) {
        if (type != AccountType.LEGACY) {
            return;
        }
        String what = (increase ? "increase" : "open") + " a " + book + "-book position in " + symbol;
        if (phase.compareTo(MigrationPhase.NO_NEW_POSITIONS) >= 0) {
            throw new CommandRejectedException(RejectionCode.MIGRATION_RESTRICTED,
                    "migration phase " + phase + ": legacy fills may only reduce or close; cannot " + what);
        }
        if (phase == MigrationPhase.NO_NEW_ELITE_ORDERS && book == Book.ELITE) {
            throw new CommandRejectedException(RejectionCode.MIGRATION_RESTRICTED,
                    "migration phase " + phase + ": cannot " + what);
        }
        if (migrationStarted && book != Book.PERSONAL) {
            throw new CommandRejectedException(RejectionCode.MIGRATION_RESTRICTED,
                    "the migration of " + accountId + " has started: cannot " + what);
        }
    }

    private Position position(String symbol, Book requestedBook) {
        Book book = type == AccountType.LEGACY ? requestedBook : Book.PERSONAL;
        Position position = positions.get(Position.key(symbol, book));
        if (position == null) {
            throw new CommandRejectedException(RejectionCode.NO_POSITION, accountId + " has no position in " + symbol
                    + (type == AccountType.LEGACY ? " (" + book + " book)" : ""));
        }
        return position;
    }

    private String describe(Position position) {
        return position.side + " " + position.symbol + (type == AccountType.LEGACY ? " " + position.book + "-book" : "")
                + " position of " + accountId;
    }

    private BigDecimal inTransit(String asset) {
        AssetBalance balance = balances.get(asset);
        return balance == null ? BigDecimal.ZERO : balance.inTransit;
    }

    private void requireAvailable(String asset, BigDecimal amount, String what, MarketState market) {
        BigDecimal available = available(asset, market);
        if (amount.compareTo(available) > 0) {
            throw new CommandRejectedException(RejectionCode.INSUFFICIENT_FUNDS,
                    "cannot " + what + " " + amount.toPlainString() + " " + asset + " from " + accountId
                            + ": available " + available.toPlainString());
        }
    }

    private AssetBalance balance(String asset) {
        return balances.computeIfAbsent(asset, a -> new AssetBalance());
    }

    // ---------------------------------------------------------------- event sourcing

    @EventSourcingHandler
    void on(AccountOpened event) {
        accountId = event.account();
        type = event.accountType();
    }

    @EventSourcingHandler
    void on(FundsDeposited event) {
        balance(event.asset()).wallet = event.walletAfter();
    }

    @EventSourcingHandler
    void on(FundsWithdrawn event) {
        balance(event.asset()).wallet = event.walletAfter();
    }

    @EventSourcingHandler
    void on(TransferSent event) {
        AssetBalance balance = balance(event.asset());
        balance.wallet = event.walletAfter();
        balance.inTransit = event.inTransitAfter();
    }

    @EventSourcingHandler
    void on(TransferReceived event) {
        balance(event.asset()).wallet = event.walletAfter();
    }

    @EventSourcingHandler
    void on(TransferSettled event) {
        balance(event.asset()).inTransit = event.inTransitAfter();
    }

    @EventSourcingHandler
    void on(PositionOpened event) {
        everHadEliteFill |= event.book() == Book.ELITE;
        positions.put(Position.key(event.symbol(), event.book()), new Position(event.symbol(), event.settleAsset(),
                event.book(), event.leader(), event.side(), event.quantity(), event.entryNotional(), event.leverage(),
                event.marginMode(), event.positionMargin()));
        balance(event.settleAsset());
    }

    @EventSourcingHandler
    void on(PositionIncreased event) {
        everHadEliteFill |= event.book() == Book.ELITE;
        Position position = positions.get(Position.key(event.symbol(), event.book()));
        position.quantity = event.quantityAfter();
        position.entryNotional = event.entryNotionalAfter();
        position.positionMargin = event.positionMarginAfter();
    }

    @EventSourcingHandler
    void on(PositionReduced event) {
        everHadEliteFill |= event.book() == Book.ELITE;
        String key = Position.key(event.symbol(), event.book());
        if (event.closed()) {
            positions.remove(key);
        } else {
            Position position = positions.get(key);
            position.quantity = event.quantityAfter();
            position.entryNotional = event.entryNotionalAfter();
            position.positionMargin = event.positionMarginAfter();
        }
        balance(event.settleAsset()).wallet = event.walletAfter();
    }

    @EventSourcingHandler
    void on(FeeCharged event) {
        balance(event.asset()).wallet = event.walletAfter();
    }

    @EventSourcingHandler
    void on(IsolatedMarginAdjusted event) {
        positions.get(Position.key(event.symbol(), event.book())).positionMargin = event.positionMarginAfter();
    }

    @EventSourcingHandler
    void on(FundingSettled event) {
        balance(event.settleAsset()).wallet = event.walletAfter();
    }

    @EventSourcingHandler
    void on(PositionLiquidated event) {
        positions.remove(Position.key(event.symbol(), event.book()));
        balance(event.settleAsset()).wallet = event.walletAfter();
    }

    @EventSourcingHandler
    void on(MigrationStarted event, @Timestamp Instant at) {
        migrationStarted = true;
        migrationStartedAt = at;
    }

    @EventSourcingHandler
    void on(MigrationOverdue event) {
        migrationOverdue = true;
    }

    @EventSourcingHandler
    void on(FundsMigratedOut event) {
        balance(event.asset()).wallet = event.walletAfter();
    }

    @EventSourcingHandler
    void on(FundsMigratedIn event) {
        balance(event.asset()).wallet = event.walletAfter();
    }

    @EventSourcingHandler
    void on(PositionMigratedOut event) {
        positions.remove(Position.key(event.symbol(), event.book()));
    }

    @EventSourcingHandler
    void on(PositionMigratedIn event) {
        positions.put(Position.key(event.symbol(), Book.PERSONAL), new Position(event.symbol(), event.settleAsset(),
                Book.PERSONAL, null, event.side(), event.quantity(), event.entryNotional(), event.leverage(),
                event.marginMode(), event.positionMargin()));
        balance(event.settleAsset());
    }

    @EventSourcingHandler
    void on(MigrationCompleted event) {
        retired = true;
    }

    @EventSourcingHandler
    void on(InsuranceFundCovered event) {
        // The insurance fund's cover changes no wallet of this account; it is recorded for auditors.
    }

    /** Money of one asset in this account. */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
    private static final class AssetBalance {
        private BigDecimal wallet = BigDecimal.ZERO;
        private BigDecimal inTransit = BigDecimal.ZERO;
    }
}
