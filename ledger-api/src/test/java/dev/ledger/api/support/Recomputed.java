package dev.ledger.api.support;

import dev.ledger.api.Ledger;
import dev.ledger.domain.event.AccountEvent;
import dev.ledger.domain.event.AccountOpened;
import dev.ledger.domain.event.FeeCharged;
import dev.ledger.domain.event.FundingSettled;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.FundsMigratedIn;
import dev.ledger.domain.event.FundsMigratedOut;
import dev.ledger.domain.event.FundsWithdrawn;
import dev.ledger.domain.event.InsuranceFundCovered;
import dev.ledger.domain.event.IsolatedMarginAdjusted;
import dev.ledger.domain.event.MigrationCompleted;
import dev.ledger.domain.event.MigrationOverdue;
import dev.ledger.domain.event.MigrationStarted;
import dev.ledger.domain.event.PositionIncreased;
import dev.ledger.domain.event.PositionLiquidated;
import dev.ledger.domain.event.PositionMigratedIn;
import dev.ledger.domain.event.PositionMigratedOut;
import dev.ledger.domain.event.PositionOpened;
import dev.ledger.domain.event.PositionReduced;
import dev.ledger.domain.value.PositionSide;
import dev.ledger.domain.event.TransferReceived;
import dev.ledger.domain.event.TransferSent;
import dev.ledger.domain.event.TransferSettled;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.balance.BalanceView;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Balances folded from the raw events by the rules of {@code accounting.md}, from the amounts (not
 * from the {@code walletAfter} figures the projection copies), checking on the way that each
 * aggregate's sequence is 0, 1, 2, ... and that every {@code walletAfter}/{@code inTransitAfter}
 * agrees with the amounts. Trading moves the wallet by the booked realized PnL (reduces and
 * liquidations), the fee and the funding payment; a funding payment is checked against
 * {@code round8(quantity*markPrice*rate)} and its sign by side. Opening a position (or receiving one
 * by migration) gives its settle asset an entry, as the balance read model does.
 */
public final class Recomputed {

    /** Wallet and in-transit of one asset in one account, at scale 8 so that equal values are equal. */
    public record Money(BigDecimal wallet, BigDecimal inTransit) {
        public Money {
            wallet = wallet.setScale(8);
            inTransit = inTransit.setScale(8);
        }

        Money plusWallet(BigDecimal amount) {
            return new Money(wallet.add(amount), inTransit);
        }

        Money plusInTransit(BigDecimal amount) {
            return new Money(wallet, inTransit.add(amount));
        }

        public BigDecimal total() {
            return wallet.add(inTransit);
        }
    }

    private final Set<String> accounts = new TreeSet<>();
    private final Map<String, Map<String, Money>> balances = new TreeMap<>();

    private Recomputed() {
    }

    public static Recomputed fold(List<RawEvents.Row> rows) {
        Recomputed result = new Recomputed();
        Map<String, Long> nextSequence = new HashMap<>();
        for (RawEvents.Row row : rows) {
            AccountEvent event = row.event();
            long expected = nextSequence.getOrDefault(row.aggregate(), 0L);
            if (row.sequence() != expected) {
                throw new AssertionError("aggregate " + row.aggregate() + " has event #" + row.sequence()
                        + " at global index " + row.globalIndex() + " where #" + expected + " was due");
            }
            nextSequence.put(row.aggregate(), expected + 1);
            if (!row.aggregate().equals(event.account())) {
                throw new AssertionError("event " + event + " is stored in the stream of " + row.aggregate());
            }
            result.apply(row, event);
        }
        return result;
    }

    private void apply(RawEvents.Row row, AccountEvent event) {
        if (event instanceof AccountOpened opened) {
            if (!accounts.add(opened.account()) || row.sequence() != 0) {
                throw new AssertionError(opened.account() + " opened twice or not as its first event");
            }
            balances.put(opened.account(), new TreeMap<>());
        } else if (event instanceof FundsDeposited deposited) {
            Money after = change(deposited.account(), deposited.asset(), deposited.amount(), BigDecimal.ZERO);
            agree(row, "walletAfter", deposited.walletAfter(), after.wallet());
        } else if (event instanceof FundsWithdrawn withdrawn) {
            Money after = change(withdrawn.account(), withdrawn.asset(), withdrawn.amount().negate(), BigDecimal.ZERO);
            agree(row, "walletAfter", withdrawn.walletAfter(), after.wallet());
        } else if (event instanceof TransferSent sent) {
            Money after = change(sent.from(), sent.asset(), sent.amount().negate(), sent.amount());
            agree(row, "walletAfter", sent.walletAfter(), after.wallet());
            agree(row, "inTransitAfter", sent.inTransitAfter(), after.inTransit());
        } else if (event instanceof TransferReceived received) {
            Money after = change(received.to(), received.asset(), received.amount(), BigDecimal.ZERO);
            agree(row, "walletAfter", received.walletAfter(), after.wallet());
        } else if (event instanceof TransferSettled settled) {
            Money after = change(settled.from(), settled.asset(), BigDecimal.ZERO, settled.amount().negate());
            agree(row, "inTransitAfter", settled.inTransitAfter(), after.inTransit());
        } else if (event instanceof PositionOpened opened) {
            change(opened.account(), opened.settleAsset(), BigDecimal.ZERO, BigDecimal.ZERO);
        } else if (event instanceof PositionReduced reduced) {
            Money after = change(reduced.account(), reduced.settleAsset(), reduced.realizedPnl(), BigDecimal.ZERO);
            agree(row, "walletAfter", reduced.walletAfter(), after.wallet());
        } else if (event instanceof FeeCharged fee) {
            Money after = change(fee.account(), fee.asset(), fee.fee().negate(), BigDecimal.ZERO);
            agree(row, "walletAfter", fee.walletAfter(), after.wallet());
        } else if (event instanceof FundingSettled funding) {
            BigDecimal payment = funding.quantity().multiply(funding.markPrice()).multiply(funding.rate())
                    .setScale(8, RoundingMode.HALF_EVEN);
            agree(row, "payment", funding.payment(), payment);
            agree(row, "walletChange", funding.walletChange(),
                    funding.side() == PositionSide.LONG ? payment.negate() : payment);
            Money after = change(funding.account(), funding.settleAsset(), funding.walletChange(), BigDecimal.ZERO);
            agree(row, "walletAfter", funding.walletAfter(), after.wallet());
        } else if (event instanceof PositionLiquidated liquidated) {
            Money after = change(liquidated.account(), liquidated.settleAsset(), liquidated.realizedPnl(), BigDecimal.ZERO);
            agree(row, "walletAfter", liquidated.walletAfter(), after.wallet());
        } else if (event instanceof FundsMigratedOut out) {
            Money after = change(out.account(), out.asset(), out.amount().negate(), BigDecimal.ZERO);
            agree(row, "walletAfter", out.walletAfter(), after.wallet());
        } else if (event instanceof FundsMigratedIn in) {
            Money after = change(in.account(), in.asset(), in.amount(), BigDecimal.ZERO);
            agree(row, "walletAfter", in.walletAfter(), after.wallet());
        } else if (event instanceof PositionMigratedIn in) {
            change(in.account(), in.settleAsset(), BigDecimal.ZERO, BigDecimal.ZERO);
        } else if (event instanceof PositionIncreased || event instanceof IsolatedMarginAdjusted
                || event instanceof InsuranceFundCovered || event instanceof PositionMigratedOut
                || event instanceof MigrationStarted || event instanceof MigrationOverdue
                || event instanceof MigrationCompleted) {
            // No wallet moves: margins are part of the position, the insurance fund's cover is no
            // account's money, and the migration's money moves with the FundsMigrated events.
            requireOpened(event.account());
        } else {
            throw new AssertionError("no rule to fold " + event.getClass().getName());
        }
    }

    private void requireOpened(String account) {
        if (!balances.containsKey(account)) {
            throw new AssertionError("event on " + account + " before it was opened");
        }
    }

    private Money change(String account, String asset, BigDecimal wallet, BigDecimal inTransit) {
        Map<String, Money> assets = balances.get(account);
        if (assets == null) {
            throw new AssertionError("money moved in " + account + " before it was opened");
        }
        Money before = assets.getOrDefault(asset, new Money(BigDecimal.ZERO, BigDecimal.ZERO));
        Money after = before.plusWallet(wallet).plusInTransit(inTransit);
        assets.put(asset, after);
        return after;
    }

    private static void agree(RawEvents.Row row, String figure, BigDecimal stated, BigDecimal folded) {
        if (stated.compareTo(folded) != 0) {
            throw new AssertionError("event at global index " + row.globalIndex() + " states " + figure + " "
                    + stated.toPlainString() + " but its amounts give " + folded.toPlainString() + ": " + row.event());
        }
    }

    /** Every account opened in the store. */
    public Set<String> accounts() {
        return accounts;
    }

    /** Per account (opened ones only), per asset ever booked: wallet and in transit. */
    public Map<String, Map<String, Money>> balances() {
        return balances;
    }

    public Money money(String account, String asset) {
        return balances.getOrDefault(account, Map.of()).getOrDefault(asset, new Money(BigDecimal.ZERO, BigDecimal.ZERO));
    }

    /** What the ledger's balance read model shows for every account this fold knows, in the same shape. */
    public static Map<String, Map<String, Money>> readModel(Ledger ledger, Set<String> accounts) {
        Map<String, Map<String, Money>> shown = new TreeMap<>();
        for (String account : accounts) {
            BalanceView view = ledger.balance(account)
                    .orElseThrow(() -> new AssertionError("the balance read model does not know " + account));
            Map<String, Money> assets = new TreeMap<>();
            String previous = null;
            for (AssetBalance balance : view.balances()) {
                if (previous != null && previous.compareTo(balance.asset()) >= 0) {
                    throw new AssertionError("balance entries of " + account + " are not sorted by asset: " + view);
                }
                previous = balance.asset();
                assets.put(balance.asset(), new Money(balance.wallet(), balance.inTransit()));
            }
            shown.put(account, assets);
        }
        return shown;
    }
}
