package dev.ledger.domain.account;

import dev.ledger.domain.command.CommandChecks;
import dev.ledger.domain.command.CommandRejectedException;
import dev.ledger.domain.command.Follow;
import dev.ledger.domain.command.SetLeaderTerms;
import dev.ledger.domain.command.SettleProfitShare;
import dev.ledger.domain.command.Unfollow;
import dev.ledger.domain.copy.CopySizing;
import dev.ledger.domain.copy.LeaderBook;
import dev.ledger.domain.event.AssetAmount;
import dev.ledger.domain.market.MarketState;
import dev.ledger.domain.support.EventSourcedAggregates;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import dev.ledger.domain.value.FollowEndReason;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.domain.value.SymbolSpec;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Copy trading: the leaders' terms, follows and unfollows, profit-share settlements, and the mirroring of
 * lead trades. A lead trade and all of its mirrors run in the unit of work of the leader's command, so
 * they commit together; each mirror touches only its copier's COPY account, and the leader's book only
 * says whom to mirror to.
 */
public class CopyTradingHandler {

    private final EventSourcedAggregates<Account> accounts;
    private final EventSourcedAggregates<LeaderBook> books;
    private final Supplier<MarketState> market;

    public CopyTradingHandler(EventSourcedAggregates<Account> accounts, EventSourcedAggregates<LeaderBook> books,
                              Supplier<MarketState> market) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.books = Objects.requireNonNull(books, "books");
        this.market = Objects.requireNonNull(market, "market");
    }

    @CommandHandler
    public void handle(SetLeaderTerms command) {
        CommandChecks.require(command);
        existing(AccountId.of(command.leader(), AccountType.ELITE));
        Optional<Aggregate<LeaderBook>> book = books.find(LeaderBook.idOf(command.leader()));
        if (book.isPresent()) {
            book.get().execute(b -> b.setTerms(command.profitShareRate(), command.maxFollowers()));
        } else {
            books.create(LeaderBook.idOf(command.leader()),
                    () -> new LeaderBook(command.leader(), command.profitShareRate(), command.maxFollowers()));
        }
    }

    @CommandHandler
    public void handle(Follow command) {
        CommandChecks.require(command);
        Aggregate<Account> copier = existing(AccountId.of(command.copier(), AccountType.COPY));
        existing(AccountId.of(command.leader(), AccountType.ELITE));
        Aggregate<LeaderBook> book = leaderBook(command.leader());
        copier.execute(a -> a.requireCanFollow(command.leader()));
        book.execute(LeaderBook::requireRoom);
        BigDecimal rate = book.invoke(LeaderBook::profitShareRate);
        copier.execute(a -> a.startFollow(command, rate));
        book.execute(b -> b.join(command.copier()));
    }

    @CommandHandler
    public void handle(Unfollow command) {
        CommandChecks.require(command);
        Aggregate<Account> copier = existing(AccountId.of(command.copier(), AccountType.COPY));
        Aggregate<Account> leaderAccount = existing(AccountId.of(command.leader(), AccountType.ELITE));
        Aggregate<LeaderBook> book = leaderBook(command.leader());
        copier.execute(a -> a.requireFollowing(command.leader()));
        Account.FollowEnd end = copier.invoke(a -> a.unfollow(command.leader(), command.close()));
        book.execute(b -> b.left(command.copier(), FollowEndReason.UNFOLLOWED, end.stillMirrored()));
        MarketState marketNow = market.get();
        List<AssetAmount> paid = copier.invoke(a -> a.settleProfitShare(command.leader(),
                leaderAccount.invoke(Account::accountId), marketNow));
        for (AssetAmount payment : paid) {
            leaderAccount.execute(a -> a.receiveProfitShare(payment.asset(), payment.amount(), 1));
        }
    }

    @CommandHandler
    public void handle(SettleProfitShare command) {
        CommandChecks.require(command);
        Aggregate<Account> leaderAccount = existing(AccountId.of(command.leader(), AccountType.ELITE));
        Aggregate<LeaderBook> book = leaderBook(command.leader());
        String leaderAccountId = leaderAccount.invoke(Account::accountId);
        MarketState marketNow = market.get();
        Map<String, BigDecimal> received = new TreeMap<>();
        Map<String, Integer> payers = new TreeMap<>();
        List<String> pairs = book.invoke(LeaderBook::pairs);
        accounts.preload(copyAccounts(pairs));
        for (String copierName : pairs) {
            Aggregate<Account> copier = copyAccountOf(copierName, command.leader());
            for (AssetAmount payment : copier.invoke(a -> a.settleProfitShare(command.leader(), leaderAccountId, marketNow))) {
                received.merge(payment.asset(), payment.amount(), BigDecimal::add);
                payers.merge(payment.asset(), 1, Integer::sum);
            }
        }
        received.forEach((asset, amount) ->
                leaderAccount.execute(a -> a.receiveProfitShare(asset, amount, payers.get(asset))));
    }

    /**
     * Mirrors an accepted lead trade to every copier the leader's book names, in copier-name order, and
     * tells the book which follows ended at their loss limit and which ended follows hold nothing of the
     * leader any more.
     */
    void mirror(CopySizing.LeadTrade lead, SymbolSpec spec, MarketState marketNow) {
        Optional<Aggregate<LeaderBook>> found = books.find(LeaderBook.idOf(lead.leader()));
        if (found.isEmpty()) {
            return;
        }
        Aggregate<LeaderBook> book = found.get();
        List<String> copiers = book.invoke(LeaderBook::mirroredCopiers);
        if (copiers.isEmpty()) {
            return;
        }
        accounts.preload(copyAccounts(copiers));
        List<Account.FollowEnd> ended = new ArrayList<>();
        List<String> released = new ArrayList<>();
        for (String copierName : copiers) {
            Aggregate<Account> copier = copyAccountOf(copierName, lead.leader());
            Account.MirrorResult result = copier.invoke(a -> a.mirror(lead, spec, marketNow));
            if (result.endedAtLossLimit() != null) {
                ended.add(new Account.FollowEnd(copierName, result.endedAtLossLimit().stillMirrored()));
            } else if (!result.active() && !result.holdsPositionsOfLeader()) {
                released.add(copierName);
            }
        }
        if (!ended.isEmpty() || !released.isEmpty()) {
            book.execute(b -> {
                ended.forEach(end -> b.left(end.leader(), FollowEndReason.LOSS_LIMIT, end.stillMirrored()));
                released.forEach(b::release);
            });
        }
    }

    /** A copier's own command ended its follow of a leader at the loss limit: the leader's book learns of it. */
    void followEndedByItself(String copier, Account.FollowEnd end) {
        if (end == null) {
            return;
        }
        leaderBook(end.leader()).execute(b -> b.left(copier, FollowEndReason.LOSS_LIMIT, end.stillMirrored()));
    }

    private static List<String> copyAccounts(List<String> copiers) {
        List<String> ids = new ArrayList<>(copiers.size());
        for (String copier : copiers) {
            ids.add(AccountId.of(copier, AccountType.COPY).toString());
        }
        return ids;
    }

    private Aggregate<LeaderBook> leaderBook(String leader) {
        return books.find(LeaderBook.idOf(leader)).orElseThrow(() -> new CommandRejectedException(
                RejectionCode.NOT_A_LEADER, leader + " has set no leader terms (SetLeaderTerms first)"));
    }

    private Aggregate<Account> copyAccountOf(String copier, String leader) {
        return accounts.find(AccountId.of(copier, AccountType.COPY).toString()).orElseThrow(() ->
                new IllegalStateException("the book of " + leader + " names " + copier + ", whose COPY account is missing"));
    }

    private Aggregate<Account> existing(AccountId id) {
        return accounts.find(id.toString()).orElseThrow(() ->
                new CommandRejectedException(RejectionCode.ACCOUNT_NOT_FOUND, id + " is not open"));
    }
}
