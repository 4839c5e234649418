package dev.ledger.domain.account;

import dev.ledger.domain.command.AdjustIsolatedMargin;
import dev.ledger.domain.command.CommandChecks;
import dev.ledger.domain.command.CommandRejectedException;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.Liquidate;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.RecordFill;
import dev.ledger.domain.command.SettleFunding;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.copy.CopySizing;
import dev.ledger.domain.market.MarketState;
import dev.ledger.domain.support.EventSourcedAggregates;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import dev.ledger.domain.value.PositionSide;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.Side;
import dev.ledger.domain.value.SymbolSpec;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Handles the commands on accounts. Checks run in the order of precedence of {@code accounting.md}:
 * first the command alone ({@link CommandChecks}, then the symbol and its leverage limit), then the
 * accounts it names, source before target. A transfer loads both accounts in one unit of work, so
 * its legs commit together or not at all.
 */
public class AccountCommandHandler {

    private final EventSourcedAggregates<Account> accounts;
    private final Supplier<MarketState> market;
    private final CopyTradingHandler copyTrading;

    /**
     * @param copyTrading mirrors the trades of ELITE accounts to their followers, and hears of follows that a
     *                    copier's own command ended at their loss limit
     */
    public AccountCommandHandler(EventSourcedAggregates<Account> accounts, Supplier<MarketState> market,
                                 CopyTradingHandler copyTrading) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.market = Objects.requireNonNull(market, "market");
        this.copyTrading = Objects.requireNonNull(copyTrading, "copyTrading");
    }

    @CommandHandler
    public void handle(OpenAccount command) {
        CommandChecks.require(command);
        AccountId id = AccountId.parse(command.account());
        Optional<Aggregate<Account>> existing = find(id);
        if (existing.isPresent()) {
            if (existing.get().invoke(Account::isRetired)) {
                throw new CommandRejectedException(RejectionCode.ACCOUNT_RETIRED, id + " is retired");
            }
            throw new CommandRejectedException(RejectionCode.ACCOUNT_ALREADY_OPEN, id + " is already open");
        }
        if (id.type() == AccountType.LEGACY) {
            for (AccountType other : new AccountType[]{AccountType.FUTURES, AccountType.COPY, AccountType.ELITE}) {
                if (find(AccountId.of(id.user(), other)).isPresent()) {
                    throw new CommandRejectedException(RejectionCode.MIGRATION_RESTRICTED,
                            "a LEGACY account comes from the old system: user " + id.user() + " already has " + other);
                }
            }
        } else {
            Optional<Aggregate<Account>> legacy = find(AccountId.of(id.user(), AccountType.LEGACY));
            if (legacy.isPresent() && !legacy.get().invoke(Account::isRetired)) {
                throw new CommandRejectedException(RejectionCode.MIGRATION_RESTRICTED,
                        "user " + id.user() + " has a LEGACY account; its migration opens " + id.type());
            }
        }
        accounts.create(id.toString(), () -> new Account(id));
    }

    @CommandHandler
    public void handle(Deposit command) {
        CommandChecks.require(command);
        Aggregate<Account> account = open(AccountId.parse(command.account()));
        account.execute(a -> a.deposit(command.asset(), command.amount()));
    }

    @CommandHandler
    public void handle(Withdraw command) {
        CommandChecks.require(command);
        Aggregate<Account> account = open(AccountId.parse(command.account()));
        MarketState marketNow = market.get();
        account.execute(a -> a.withdraw(command.asset(), command.amount(), marketNow));
    }

    @CommandHandler
    public void handle(Transfer command) {
        CommandChecks.require(command);
        AccountId fromId = AccountId.parse(command.from());
        AccountId toId = AccountId.parse(command.to());
        Aggregate<Account> from = existing(fromId);
        Aggregate<Account> to = existing(toId);
        requireNotRetired(from, fromId);
        requireNotRetired(to, toId);
        MarketState marketNow = market.get();
        from.execute(a -> a.sendTransfer(command.id(), toId.toString(), command.asset(), command.amount(), marketNow));
        to.execute(a -> a.receiveTransfer(command.id(), fromId.toString(), command.asset(), command.amount()));
        from.execute(a -> a.settleTransfer(command.id(), toId.toString(), command.asset(), command.amount()));
    }

    @CommandHandler
    public void handle(RecordFill command) {
        CommandChecks.require(command);
        MarketState marketNow = market.get();
        SymbolSpec spec = listed(marketNow, command.symbol());
        if (command.leverage() > spec.maxLeverage()) {
            throw new CommandRejectedException(RejectionCode.LEVERAGE_TOO_HIGH, "leverage " + command.leverage()
                    + " is above the maximum of " + spec.maxLeverage() + " for " + command.symbol());
        }
        AccountId id = AccountId.parse(command.account());
        Aggregate<Account> account = open(id);
        if (id.type() == AccountType.ELITE) {
            BigDecimal before = account.invoke(a -> a.positionQuantity(command.symbol()));
            PositionSide sideBefore = account.invoke(a -> a.positionSide(command.symbol()));
            account.execute(a -> a.recordFill(command, spec, marketNow));
            PositionSide direction = command.side() == Side.BUY ? PositionSide.LONG : PositionSide.SHORT;
            BigDecimal closing = sideBefore == null || sideBefore == direction ? BigDecimal.ZERO
                    : command.quantity().min(before);
            copyTrading.mirror(new CopySizing.LeadTrade(command.id(), id.user(), command.symbol(), command.side(),
                    command.quantity(), command.price(), command.fee(), command.leverage(), command.marginMode(),
                    before, closing, false), spec, marketNow);
            return;
        }
        Account.FollowEnd ended = account.invoke(a -> a.recordFill(command, spec, marketNow));
        copyTrading.followEndedByItself(id.user(), ended);
    }

    @CommandHandler
    public void handle(AdjustIsolatedMargin command) {
        CommandChecks.require(command);
        MarketState marketNow = market.get();
        listed(marketNow, command.symbol());
        Aggregate<Account> account = open(AccountId.parse(command.account()));
        account.execute(a -> a.adjustIsolatedMargin(command.id(), command.symbol(), command.book(), command.leader(),
                command.amount(), marketNow));
    }

    @CommandHandler
    public void handle(SettleFunding command) {
        CommandChecks.require(command);
        listed(market.get(), command.symbol());
        AccountId id = AccountId.parse(command.account());
        Aggregate<Account> account = open(id);
        Account.FollowEnd ended = account.invoke(a -> a.settleFunding(command.id(), command.symbol(), command.book(),
                command.leader(), command.rate(), command.markPrice()));
        copyTrading.followEndedByItself(id.user(), ended);
    }

    @CommandHandler
    public void handle(Liquidate command) {
        CommandChecks.require(command);
        MarketState marketNow = market.get();
        SymbolSpec spec = listed(marketNow, command.symbol());
        AccountId id = AccountId.parse(command.account());
        Aggregate<Account> account = open(id);
        if (id.type() == AccountType.ELITE) {
            BigDecimal before = account.invoke(a -> a.positionQuantity(command.symbol()));
            PositionSide sideBefore = account.invoke(a -> a.positionSide(command.symbol()));
            account.execute(a -> a.liquidate(command.id(), command.symbol(), command.book(), null, command.price()));
            // A liquidation closes the leader's whole position: the lead quantity is what it closed.
            Side closingSide = sideBefore == PositionSide.LONG ? Side.SELL : Side.BUY;
            copyTrading.mirror(CopySizing.LeadTrade.liquidation(command.id(), id.user(), command.symbol(), closingSide,
                    before, command.price()), spec, marketNow);
            return;
        }
        Account.FollowEnd ended = account.invoke(a -> a.liquidate(command.id(), command.symbol(), command.book(),
                command.leader(), command.price()));
        copyTrading.followEndedByItself(id.user(), ended);
    }

    private static SymbolSpec listed(MarketState market, String symbol) {
        SymbolSpec spec = market.symbol(symbol);
        if (spec == null) {
            throw new CommandRejectedException(RejectionCode.UNKNOWN_SYMBOL,
                    symbol + " is not listed (ConfigureSymbol first)");
        }
        return spec;
    }

    /** An existing account that is not retired, or the refusal that says why not. */
    private Aggregate<Account> open(AccountId id) {
        Aggregate<Account> account = existing(id);
        requireNotRetired(account, id);
        return account;
    }

    private Aggregate<Account> existing(AccountId id) {
        return find(id).orElseThrow(() ->
                new CommandRejectedException(RejectionCode.ACCOUNT_NOT_FOUND, id + " is not open"));
    }

    private static void requireNotRetired(Aggregate<Account> account, AccountId id) {
        if (account.invoke(Account::isRetired)) {
            throw new CommandRejectedException(RejectionCode.ACCOUNT_RETIRED,
                    id + " is retired; its history stays readable");
        }
    }

    private Optional<Aggregate<Account>> find(AccountId id) {
        return accounts.find(id.toString());
    }
}
