package dev.ledger.domain.account;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.domain.command.CommandRejectedException;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.copy.CopyPair;
import dev.ledger.domain.copy.CopySizing;
import dev.ledger.domain.event.AccountEvent;
import dev.ledger.domain.event.AssetAmount;
import dev.ledger.domain.event.FollowEnded;
import dev.ledger.domain.event.FollowStarted;
import dev.ledger.domain.event.ProfitShareReceived;
import dev.ledger.domain.event.ProfitShareSettled;
import dev.ledger.domain.event.TradeCopied;
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
import dev.ledger.domain.value.CloseMode;
import dev.ledger.domain.value.CopyOutcome;
import dev.ledger.domain.value.FollowEndReason;
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
 *
 * <p>A COPY account also keeps the copier's side of every pair it follows ({@link CopyPair}), and holds one
 * position per symbol and leader beside its own positions: what a lead trade mirrors here touches only
 * this account's state.
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
    /** COPY accounts: the copier's side of each pair, by leader. */
    private final TreeMap<String, CopyPair> copyPairs = new TreeMap<>();

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

    /**
     * Books a fill: reduce (and maybe flip) or open/increase, then the fee; see the Positions rules. On a
     * COPY account a fill naming {@code leader} books on the position copying that leader and may only
     * reduce or close it. Returns the follow it ended at its loss limit, if any.
     */
    FollowEnd recordFill(RecordFill fill, SymbolSpec spec, MarketState market) {
        Book book;
        String leader;
        boolean copied = type == AccountType.COPY && fill.leader() != null;
        if (type == AccountType.LEGACY) {
            book = fill.book();
            leader = book == Book.COPY ? fill.leader() : null;
        } else if (copied) {
            book = Book.COPY;
            leader = fill.leader();
        } else {
            book = Book.PERSONAL;
            leader = null;
        }
        List<AccountEvent> events = bookFill(fill.id(), fill.symbol(), fill.side(), fill.quantity(), fill.price(),
                fill.fee(), fill.leverage(), fill.marginMode(), book, leader, copied, spec, market);
        events.forEach(event -> apply(event));
        return copied ? endAtLossLimit(leader) : null;
    }

    /**
     * The events of one fill on the position {@code (symbol, book, leader)}, decided but not applied: the
     * reduce (all of the position on a flip), the open or increase, the fee. Refuses, applying nothing, with
     * the first code that applies. {@code reduceOnly}: a copier's own fill on a copied position.
     */
    private List<AccountEvent> bookFill(String tradeId, String symbol, Side side, BigDecimal quantity, BigDecimal price,
                                        BigDecimal fee, int leverage, MarginMode marginMode, Book book, String leader,
                                        boolean reduceOnly, SymbolSpec spec, MarketState market) {
        String key = positionKey(symbol, book, leader);
        Position existing = positions.get(key);
        PositionSide direction = side == Side.BUY ? PositionSide.LONG : PositionSide.SHORT;
        String asset = existing != null ? existing.settleAsset : spec.settleAsset();

        boolean increases = existing == null || existing.side == direction;
        BigDecimal reduceQuantity = increases ? BigDecimal.ZERO : quantity.min(existing.quantity);
        BigDecimal openQuantity = quantity.subtract(reduceQuantity);
        boolean opens = openQuantity.signum() > 0;

        if (opens) {
            requireOpeningAllowed(book, existing != null && existing.side == direction, symbol, market.migrationPhase());
            if (reduceOnly) {
                throw new CommandRejectedException(RejectionCode.COPY_MANAGED, "a fill of " + accountId + " naming leader "
                        + leader + " may only reduce or close the position copying " + leader + " in " + symbol
                        + "; this one would " + (existing == null ? "open it" : increases ? "increase it" : "flip it")
                        + " (copied positions open only by mirroring the leader)");
            }
        }
        if (increases && existing != null) {
            if (existing.leverage != leverage) {
                throw new CommandRejectedException(RejectionCode.LEVERAGE_MISMATCH, "the " + describe(existing)
                        + " has leverage " + existing.leverage + "; the fill has " + leverage);
            }
            if (existing.marginMode != marginMode) {
                throw new CommandRejectedException(RejectionCode.MARGIN_MODE_MISMATCH, "the " + describe(existing)
                        + " is " + existing.marginMode + "; the fill is " + marginMode);
            }
        }

        String copiedLeader = pairLeader(book, leader);
        List<AccountEvent> events = new ArrayList<>(3);
        BigDecimal wallet = wallet(asset);
        Position after = existing == null ? null : existing.copy();
        if (reduceQuantity.signum() > 0) {
            PositionReduced reduced = reduce(after, tradeId, reduceQuantity, price, wallet, copiedLeader);
            events.add(reduced);
            wallet = reduced.walletAfter();
            after = reduced.closed() ? null : after;
        }
        if (opens) {
            BigDecimal notional = Decimals.round8(price.multiply(openQuantity));
            BigDecimal margin = marginMode == MarginMode.ISOLATED
                    ? price.multiply(openQuantity).divide(BigDecimal.valueOf(leverage), Decimals.SCALE, Decimals.ROUNDING)
                    : BigDecimal.ZERO;
            if (after == null) {
                after = new Position(symbol, asset, book, leader, direction, openQuantity, notional, leverage, marginMode,
                        margin);
                events.add(new PositionOpened(accountId, tradeId, symbol, asset, book, leader, direction, openQuantity,
                        price, notional, leverage, marginMode, margin));
            } else {
                after.quantity = after.quantity.add(openQuantity);
                after.entryNotional = after.entryNotional.add(notional);
                after.positionMargin = after.positionMargin.add(margin);
                events.add(new PositionIncreased(accountId, tradeId, symbol, asset, book, direction, openQuantity, price,
                        notional, margin, after.quantity, after.entryNotional, after.positionMargin, copiedLeader));
            }
        }
        if (fee.signum() > 0) {
            wallet = wallet.subtract(fee);
            events.add(new FeeCharged(accountId, tradeId, symbol, asset, fee, wallet, copiedLeader));
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
        return events;
    }

    /** Moves free balance into or out of an ISOLATED position's margin. */
    void adjustIsolatedMargin(String commandId, String symbol, Book requestedBook, String leader, BigDecimal amount,
                              MarketState market) {
        Position position = position(symbol, requestedBook, leader);
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
                position.positionMargin.add(amount), pairLeader(position)));
    }

    /**
     * Books a funding payment {@code round8(quantity*markPrice*rate)}: LONG pays, SHORT receives. Returns the
     * follow it ended at its loss limit, if any.
     */
    FollowEnd settleFunding(String commandId, String symbol, Book requestedBook, String leader, BigDecimal rate,
                            BigDecimal markPrice) {
        Position position = position(symbol, requestedBook, leader);
        BigDecimal payment = Decimals.round8(position.quantity.multiply(markPrice).multiply(rate));
        BigDecimal walletChange = position.side == PositionSide.LONG ? payment.negate() : payment;
        String copied = pairLeader(position);
        apply(new FundingSettled(accountId, commandId, symbol, position.settleAsset, position.book, position.side,
                position.quantity, markPrice, rate, payment, walletChange,
                wallet(position.settleAsset).add(walletChange), copied));
        return copied == null ? null : endAtLossLimit(copied);
    }

    /**
     * Closes the whole position at {@code price} as a reduce with no fee. A loss is capped at the
     * position's margin (ISOLATED) or at {@code max(wallet, 0)} (CROSS); the insurance fund covers the rest.
     * Returns the follow it ended at its loss limit, if any.
     */
    FollowEnd liquidate(String commandId, String symbol, Book requestedBook, String leader, BigDecimal price) {
        Position position = position(symbol, requestedBook, leader);
        liquidation(commandId, position, price).forEach(event -> apply(event));
        String copied = pairLeader(position);
        return copied == null ? null : endAtLossLimit(copied);
    }

    /** The events of liquidating {@code position} at {@code price}, decided but not applied. */
    private List<AccountEvent> liquidation(String commandId, Position position, BigDecimal price) {
        BigDecimal value = Decimals.round8(price.multiply(position.quantity));
        BigDecimal uncapped = position.side == PositionSide.LONG
                ? value.subtract(position.entryNotional) : position.entryNotional.subtract(value);
        BigDecimal wallet = wallet(position.settleAsset);
        BigDecimal bearable = position.isIsolated() ? position.positionMargin : wallet.max(BigDecimal.ZERO);
        BigDecimal booked = uncapped.max(bearable.negate());
        BigDecimal cover = booked.subtract(uncapped);
        String copied = pairLeader(position);
        List<AccountEvent> events = new ArrayList<>(2);
        events.add(new PositionLiquidated(accountId, commandId, position.symbol, position.settleAsset, position.book,
                position.side, position.marginMode, position.quantity, price, position.entryNotional,
                position.positionMargin, uncapped, booked, cover, wallet.add(booked), copied));
        if (cover.signum() > 0) {
            events.add(new InsuranceFundCovered(accountId, commandId, position.symbol, position.settleAsset, position.book,
                    cover, copied));
        }
        return events;
    }

    // ---------------------------------------------------------------- copy trading: the copier's side

    /** A follow that ended by itself at its loss limit, and whether its positions still follow the leader's closes. */
    public record FollowEnd(String leader, boolean stillMirrored) {
    }

    /**
     * What one lead trade did here: whether it looked at this follow, the end it brought at the loss limit,
     * whether the follow is active, and whether the copier still holds positions of the leader.
     */
    public record MirrorResult(boolean lookedAt, FollowEnd endedAtLossLimit, boolean active,
                               boolean holdsPositionsOfLeader) {
    }

    /** Refuses a follow of {@code leader} while one is active, or while positions of an earlier follow are open. */
    void requireCanFollow(String leader) {
        CopyPair pair = copyPairs.get(leader);
        if (pair != null && pair.isActive()) {
            throw new CommandRejectedException(RejectionCode.ALREADY_FOLLOWING, accountId + " already follows " + leader);
        }
        if (holdsPositionsOf(leader)) {
            throw new CommandRejectedException(RejectionCode.COPY_POSITIONS_OPEN, accountId + " still holds positions of "
                    + leader + " from an earlier follow; close them first");
        }
    }

    /** Starts a follow with the leader's current rate; the pair's net PnL now is where {@code maxLoss} counts from. */
    void startFollow(Follow follow, BigDecimal profitShareRate) {
        CopyPair pair = copyPairs.get(follow.leader());
        apply(new FollowStarted(accountId, follow.leader(), follow.mode(), follow.amount(), follow.ratio(),
                follow.maxTotalMargin(), follow.maxLoss(), profitShareRate,
                pair == null ? List.of() : pair.netPnlByAsset()));
    }

    void requireFollowing(String leader) {
        CopyPair pair = copyPairs.get(leader);
        if (pair == null || !pair.isActive()) {
            throw new CommandRejectedException(RejectionCode.NOT_FOLLOWING, accountId + " does not follow " + leader);
        }
    }

    /** Ends the active follow of {@code leader} on the copier's request. */
    FollowEnd unfollow(String leader, CloseMode close) {
        apply(new FollowEnded(accountId, leader, FollowEndReason.UNFOLLOWED, close));
        return new FollowEnd(leader, close != CloseMode.MANUAL && holdsPositionsOf(leader));
    }

    /** Whether this account holds any position copying {@code leader}. */
    boolean holdsPositionsOf(String leader) {
        for (Position position : positions.values()) {
            if (position.book == Book.COPY && leader.equals(position.leader) && type == AccountType.COPY) {
                return true;
            }
        }
        return false;
    }

    /**
     * Mirrors one lead trade of {@code lead.leader()} into this copier's account: plans it with
     * {@link CopySizing}, books it (dropping the opening part if it fails the available check) and records the
     * outcome, all as one {@link TradeCopied} event. An ended follow with no position in the symbol is not
     * looked at. A mirror never refuses: the lead trade is the leader's, and it happened.
     */
    MirrorResult mirror(CopySizing.LeadTrade lead, SymbolSpec spec, MarketState market) {
        CopyPair pair = copyPairs.get(lead.leader());
        if (type != AccountType.COPY || pair == null || !pair.mirrorsCloses()) {
            throw new IllegalStateException(accountId + " does not mirror " + lead.leader() + "; the leader's book says it does");
        }
        Position position = positions.get(positionKey(lead.symbol(), Book.COPY, lead.leader()));
        if (!pair.isActive() && position == null) {
            return new MirrorResult(false, null, false, holdsPositionsOf(lead.leader()));
        }
        requireInStepWithLeader(position, lead);
        String asset = position != null ? position.settleAsset : spec.settleAsset();
        BigDecimal positionMargin = position == null ? BigDecimal.ZERO : marginInUse(position);
        CopySizing.Plan plan = CopySizing.plan(lead, pair.terms(), position == null ? null : position.quantity,
                pairMarginInUse(lead.leader(), asset), positionMargin);
        List<AccountEvent> booked = List.of();
        if (lead.liquidation()) {
            if (plan.closing().signum() > 0) {
                booked = liquidation(lead.id(), position, lead.price());
            }
        } else if (plan.quantity().signum() > 0) {
            try {
                booked = mirroredFill(lead, plan.quantity(), spec, market);
            } catch (CommandRejectedException refused) {
                if (refused.code() != RejectionCode.INSUFFICIENT_MARGIN || plan.opening().signum() == 0) {
                    throw new IllegalStateException("mirroring " + lead.id() + " into " + accountId + " was refused: "
                            + refused.getMessage(), refused);
                }
                plan = plan.withoutOpening();
                booked = plan.closing().signum() > 0 ? mirroredFill(lead, plan.closing(), spec, market) : List.of();
            }
        }
        apply(tradeCopied(lead, plan, booked));
        FollowEnd ended = endAtLossLimit(lead.leader());
        return new MirrorResult(true, ended, pair.isActive(), holdsPositionsOf(lead.leader()));
    }

    private List<AccountEvent> mirroredFill(CopySizing.LeadTrade lead, BigDecimal quantity, SymbolSpec spec,
                                            MarketState market) {
        return bookFill(lead.id(), lead.symbol(), lead.side(), quantity, lead.price(), lead.feeFor(quantity),
                lead.leverage(), lead.marginMode(), Book.COPY, lead.leader(), false, spec, market);
    }

    private TradeCopied tradeCopied(CopySizing.LeadTrade lead, CopySizing.Plan plan, List<AccountEvent> booked) {
        PositionReduced reduced = null;
        PositionOpened opened = null;
        PositionIncreased increased = null;
        FeeCharged fee = null;
        PositionLiquidated liquidated = null;
        InsuranceFundCovered cover = null;
        for (AccountEvent event : booked) {
            if (event instanceof PositionReduced e) {
                reduced = e;
            } else if (event instanceof PositionOpened e) {
                opened = e;
            } else if (event instanceof PositionIncreased e) {
                increased = e;
            } else if (event instanceof FeeCharged e) {
                fee = e;
            } else if (event instanceof PositionLiquidated e) {
                liquidated = e;
            } else if (event instanceof InsuranceFundCovered e) {
                cover = e;
            } else {
                throw new IllegalStateException("a mirror booked an unexpected " + event);
            }
        }
        BigDecimal quantity = liquidated != null ? liquidated.quantity() : booked.isEmpty() ? BigDecimal.ZERO : plan.quantity();
        return new TradeCopied(accountId, lead.leader(), lead.id(), lead.symbol(), plan.outcome(), plan.reason(),
                lead.quantity(), quantity, reduced, opened, increased, fee, liquidated, cover);
    }

    /**
     * A copied position moves in step with the leader's: same side while both exist, and none while the
     * leader has none (its closes of everything close the copier's in full). Anything else is a bug.
     */
    private void requireInStepWithLeader(Position position, CopySizing.LeadTrade lead) {
        if (position == null) {
            return;
        }
        PositionSide fillDirection = lead.side() == Side.BUY ? PositionSide.LONG : PositionSide.SHORT;
        PositionSide leaderSide = lead.closing().signum() > 0
                ? (fillDirection == PositionSide.LONG ? PositionSide.SHORT : PositionSide.LONG)
                : lead.leaderPositionBefore().signum() > 0 ? fillDirection : null;
        if (leaderSide != position.side) {
            throw new IllegalStateException(accountId + " holds a " + position.side + " position copying " + lead.leader()
                    + " in " + lead.symbol() + " while the leader's position is " + (leaderSide == null ? "none" : leaderSide));
        }
    }

    /** Ends the active follow of {@code leader} if its loss limit is reached. */
    private FollowEnd endAtLossLimit(String leader) {
        CopyPair pair = copyPairs.get(leader);
        if (pair == null || !pair.lossLimitReached()) {
            return null;
        }
        apply(new FollowEnded(accountId, leader, FollowEndReason.LOSS_LIMIT, CloseMode.WITH_LEADER));
        return new FollowEnd(leader, holdsPositionsOf(leader));
    }

    /** The margin the copier's positions of {@code leader} hold in {@code asset}. */
    private BigDecimal pairMarginInUse(String leader, String asset) {
        BigDecimal total = BigDecimal.ZERO;
        for (Position position : positions.values()) {
            if (position.book == Book.COPY && leader.equals(position.leader) && position.settleAsset.equals(asset)) {
                total = total.add(marginInUse(position));
            }
        }
        return total;
    }

    /** ISOLATED: the position margin; CROSS: {@code round8(entryNotional/leverage)}. */
    private static BigDecimal marginInUse(Position position) {
        return position.isIsolated() ? position.positionMargin : position.initialMargin();
    }

    /**
     * Settles the pair's profit share with {@code leader} in every asset: what net PnL gained above the
     * high-water mark times the pair's rate becomes owed, and as much of what is owed as the available
     * allows is paid. Returns what was paid, per asset, for the leader's account to receive.
     */
    List<AssetAmount> settleProfitShare(String leader, String leaderAccount, MarketState market) {
        CopyPair pair = copyPairs.get(leader);
        if (pair == null) {
            return List.of();
        }
        List<AssetAmount> paid = new ArrayList<>();
        for (String asset : List.copyOf(pair.assets().keySet())) {
            CopyPair.Figures figures = pair.assets().get(asset);
            BigDecimal netPnl = figures.netPnl();
            BigDecimal highWaterMark = figures.highWaterMark();
            BigDecimal accrued = BigDecimal.ZERO;
            BigDecimal highWaterMarkAfter = highWaterMark;
            if (netPnl.compareTo(highWaterMark) > 0) {
                accrued = Decimals.round8(netPnl.subtract(highWaterMark).multiply(pair.profitShareRate()));
                highWaterMarkAfter = netPnl;
            }
            BigDecimal owed = figures.owed().add(accrued);
            BigDecimal pay = owed.min(available(asset, market).max(BigDecimal.ZERO));
            if (accrued.signum() == 0 && pay.signum() == 0 && highWaterMarkAfter.compareTo(highWaterMark) == 0) {
                continue;
            }
            apply(new ProfitShareSettled(accountId, leader, leaderAccount, asset, netPnl, accrued, highWaterMarkAfter, pay,
                    owed.subtract(pay), figures.paid().add(pay), wallet(asset).subtract(pay)));
            if (pay.signum() > 0) {
                paid.add(new AssetAmount(asset, pay));
            }
        }
        return paid;
    }

    /** The leader's side of a settlement: what {@code copiers} copiers paid in {@code asset}. */
    void receiveProfitShare(String asset, BigDecimal amount, int copiers) {
        apply(new ProfitShareReceived(accountId, asset, amount, copiers, wallet(asset).add(amount)));
    }

    /** The quantity of the position in {@code symbol} (0 when none) and its side (null when none), outside LEGACY books. */
    BigDecimal positionQuantity(String symbol) {
        Position position = positions.get(positionKey(symbol, Book.PERSONAL, null));
        return position == null ? BigDecimal.ZERO : position.quantity;
    }

    PositionSide positionSide(String symbol) {
        Position position = positions.get(positionKey(symbol, Book.PERSONAL, null));
        return position == null ? null : position.side;
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
        if (positions.containsKey(positionKey(position.symbol, Book.PERSONAL, null))) {
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
                                   BigDecimal wallet, String copiedLeader) {
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
                position.entryNotional, position.positionMargin, wallet.add(realized), copiedLeader);
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

    /**
     * The position a command names: by book in a LEGACY account, by leader in a COPY account (the copier's
     * own without one), else the account's one position in the symbol.
     */
    private Position position(String symbol, Book requestedBook, String leader) {
        Book book;
        String copied = null;
        if (type == AccountType.LEGACY) {
            book = requestedBook;
        } else if (type == AccountType.COPY && leader != null) {
            book = Book.COPY;
            copied = leader;
        } else {
            book = Book.PERSONAL;
        }
        Position position = positions.get(positionKey(symbol, book, copied));
        if (position == null) {
            throw new CommandRejectedException(RejectionCode.NO_POSITION, accountId + " has no position in " + symbol
                    + (type == AccountType.LEGACY ? " (" + book + " book)" : copied != null ? " copying " + copied : ""));
        }
        return position;
    }

    /**
     * The key of a position in this account: symbol and book, and in a COPY account also the leader it
     * copies (a legacy COPY-book position keeps its first leader, so the leader is not part of its key).
     */
    private String positionKey(String symbol, Book book, String leader) {
        return type == AccountType.COPY && leader != null ? Position.key(symbol, book) + "/" + leader
                : Position.key(symbol, book);
    }

    /** The leader a position's bookings count for: set for copied positions of a COPY account only. */
    private String pairLeader(Book book, String leader) {
        return type == AccountType.COPY && book == Book.COPY ? leader : null;
    }

    private String pairLeader(Position position) {
        return pairLeader(position.book, position.leader);
    }

    private CopyPair pair(String leader) {
        return leader == null ? null : copyPairs.get(leader);
    }

    private String describe(Position position) {
        return position.side + " " + position.symbol + (type == AccountType.LEGACY ? " " + position.book + "-book"
                : pairLeader(position) != null ? " (copying " + position.leader + ")" : "") + " position of " + accountId;
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
        positions.put(positionKey(event.symbol(), event.book(), event.leader()), new Position(event.symbol(),
                event.settleAsset(), event.book(), event.leader(), event.side(), event.quantity(), event.entryNotional(),
                event.leverage(), event.marginMode(), event.positionMargin()));
        balance(event.settleAsset());
        CopyPair pair = pair(pairLeader(event.book(), event.leader()));
        if (pair != null) {
            pair.touched(event.settleAsset());
        }
    }

    @EventSourcingHandler
    void on(PositionIncreased event) {
        everHadEliteFill |= event.book() == Book.ELITE;
        Position position = positions.get(positionKey(event.symbol(), event.book(), event.leader()));
        position.quantity = event.quantityAfter();
        position.entryNotional = event.entryNotionalAfter();
        position.positionMargin = event.positionMarginAfter();
    }

    @EventSourcingHandler
    void on(PositionReduced event) {
        everHadEliteFill |= event.book() == Book.ELITE;
        String key = positionKey(event.symbol(), event.book(), event.leader());
        if (event.closed()) {
            positions.remove(key);
        } else {
            Position position = positions.get(key);
            position.quantity = event.quantityAfter();
            position.entryNotional = event.entryNotionalAfter();
            position.positionMargin = event.positionMarginAfter();
        }
        balance(event.settleAsset()).wallet = event.walletAfter();
        CopyPair pair = pair(event.leader());
        if (pair != null) {
            pair.booked(event.settleAsset(), event.realizedPnl(), BigDecimal.ZERO, BigDecimal.ZERO);
        }
    }

    @EventSourcingHandler
    void on(FeeCharged event) {
        balance(event.asset()).wallet = event.walletAfter();
        CopyPair pair = pair(event.leader());
        if (pair != null) {
            pair.booked(event.asset(), BigDecimal.ZERO, event.fee(), BigDecimal.ZERO);
        }
    }

    @EventSourcingHandler
    void on(IsolatedMarginAdjusted event) {
        positions.get(positionKey(event.symbol(), event.book(), event.leader())).positionMargin = event.positionMarginAfter();
    }

    @EventSourcingHandler
    void on(FundingSettled event) {
        balance(event.settleAsset()).wallet = event.walletAfter();
        CopyPair pair = pair(event.leader());
        if (pair != null) {
            pair.booked(event.settleAsset(), BigDecimal.ZERO, BigDecimal.ZERO, event.walletChange());
        }
    }

    @EventSourcingHandler
    void on(PositionLiquidated event) {
        positions.remove(positionKey(event.symbol(), event.book(), event.leader()));
        balance(event.settleAsset()).wallet = event.walletAfter();
        CopyPair pair = pair(event.leader());
        if (pair != null) {
            pair.booked(event.settleAsset(), event.realizedPnl(), BigDecimal.ZERO, BigDecimal.ZERO);
        }
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
        positions.remove(positionKey(event.symbol(), event.book(), null));
    }

    @EventSourcingHandler
    void on(PositionMigratedIn event) {
        positions.put(positionKey(event.symbol(), Book.PERSONAL, null), new Position(event.symbol(), event.settleAsset(),
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

    @EventSourcingHandler
    void on(FollowStarted event) {
        copyPairs.computeIfAbsent(event.leader(), CopyPair::new).started(event);
    }

    @EventSourcingHandler
    void on(FollowEnded event) {
        copyPairs.get(event.leader()).ended(event);
    }

    /** A mirrored lead trade: its bookings as if they were the copier's own, then the outcome's count. */
    @EventSourcingHandler
    void on(TradeCopied event) {
        if (event.reduced() != null) {
            on(event.reduced());
        }
        if (event.opened() != null) {
            on(event.opened());
        }
        if (event.increased() != null) {
            on(event.increased());
        }
        if (event.fee() != null) {
            on(event.fee());
        }
        if (event.liquidated() != null) {
            on(event.liquidated());
        }
        if (event.insuranceCover() != null) {
            on(event.insuranceCover());
        }
        copyPairs.get(event.leader()).counted(event.outcome());
    }

    @EventSourcingHandler
    void on(ProfitShareSettled event) {
        copyPairs.get(event.leader()).settled(event);
        balance(event.asset()).wallet = event.walletAfter();
    }

    @EventSourcingHandler
    void on(ProfitShareReceived event) {
        balance(event.asset()).wallet = event.walletAfter();
    }

    /** Money of one asset in this account. */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
    private static final class AssetBalance {
        private BigDecimal wallet = BigDecimal.ZERO;
        private BigDecimal inTransit = BigDecimal.ZERO;
    }
}
