package dev.ledger.domain.account;

import dev.ledger.domain.command.CommandRejectedException;
import dev.ledger.domain.event.AccountOpened;
import dev.ledger.domain.event.FundsDeposited;
import dev.ledger.domain.event.FundsWithdrawn;
import dev.ledger.domain.event.TransferReceived;
import dev.ledger.domain.event.TransferSent;
import dev.ledger.domain.event.TransferSettled;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import dev.ledger.domain.value.RejectionCode;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One account of one user: its wallets per asset and the money it has in flight. Every decision is
 * made on state rebuilt from this account's own events, so nothing in another account can change it.
 * A method either refuses (throwing {@link CommandRejectedException}) before it applies anything, or
 * applies all of its events: a refused command never leaves a half-changed aggregate.
 */
public class Account {

    @AggregateIdentifier
    private String accountId;
    private AccountType type;
    private boolean retired;
    private final Map<String, AssetBalance> balances = new TreeMap<>();

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

    /** What may leave the account now: the wallet less what margin and losses hold. */
    public BigDecimal available(String asset) {
        return wallet(asset);
    }

    void deposit(String asset, BigDecimal amount) {
        apply(new FundsDeposited(accountId, asset, amount, wallet(asset).add(amount)));
    }

    void withdraw(String asset, BigDecimal amount) {
        requireAvailable(asset, amount, "withdraw");
        apply(new FundsWithdrawn(accountId, asset, amount, wallet(asset).subtract(amount)));
    }

    void sendTransfer(String transferId, String to, String asset, BigDecimal amount) {
        requireAvailable(asset, amount, "transfer");
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

    private BigDecimal inTransit(String asset) {
        AssetBalance balance = balances.get(asset);
        return balance == null ? BigDecimal.ZERO : balance.inTransit;
    }

    private void requireAvailable(String asset, BigDecimal amount, String what) {
        BigDecimal available = available(asset);
        if (amount.compareTo(available) > 0) {
            throw new CommandRejectedException(RejectionCode.INSUFFICIENT_FUNDS,
                    "cannot " + what + " " + amount.toPlainString() + " " + asset + " from " + accountId
                            + ": available " + available.toPlainString());
        }
    }

    private AssetBalance balance(String asset) {
        return balances.computeIfAbsent(asset, a -> new AssetBalance());
    }

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

    /** Money of one asset in this account. */
    private static final class AssetBalance {
        private BigDecimal wallet = BigDecimal.ZERO;
        private BigDecimal inTransit = BigDecimal.ZERO;
    }
}
