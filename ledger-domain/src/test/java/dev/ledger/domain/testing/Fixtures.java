package dev.ledger.domain.testing;

import dev.ledger.domain.account.Account;
import dev.ledger.domain.account.AccountCommandHandler;
import dev.ledger.domain.account.CopyTradingHandler;
import dev.ledger.domain.copy.LeaderBook;
import org.axonframework.eventsourcing.EventSourcingRepository;
import dev.ledger.domain.market.Market;
import dev.ledger.domain.market.MarketCommandHandler;
import dev.ledger.domain.market.MarketState;
import dev.ledger.domain.support.EventSourcedAggregates;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;

/**
 * Axon's given/when/then fixture wired to the ledger's external command handlers, the way the ledger
 * wires them (an {@link EventSourcedAggregates} over the repository and the event store), for the
 * one aggregate that the fixture holds.
 */
public final class Fixtures {

    private Fixtures() {
    }

    /**
     * A fixture for the account {@code accountId}: the given events are this account's; every other
     * account does not exist. {@code market} is what the handler reads for symbols, marks and phase.
     */
    public static FixtureConfiguration<Account> account(String accountId, MarketState market) {
        AggregateTestFixture<Account> fixture = new AggregateTestFixture<>(Account.class);
        // The fixture's "illegal state change" check compares the working aggregate with one rebuilt from
        // the events using equals(); the account's balances and positions are mutable holders without
        // equals(), so it would report every change. Rebuilding is tested anyway: every when-phase loads
        // the account from its given events, and chains of givenCommands decide on state rebuilt from
        // the events of the earlier commands.
        fixture.setReportIllegalStateChange(false);
        EventSourcedAggregates<Account> accounts = new EventSourcedAggregates<>(Account.class, fixture.getRepository(),
                new SingleAggregateEventStore(fixture.getEventStore(), accountId), null);
        // One account alone: no leader's book exists, so nothing is mirrored.
        EventSourcedAggregates<LeaderBook> noBooks = new EventSourcedAggregates<>(LeaderBook.class,
                EventSourcingRepository.builder(LeaderBook.class).eventStore(fixture.getEventStore()).build(),
                id -> false, null);
        fixture.registerAnnotatedCommandHandler(new AccountCommandHandler(accounts, () -> market,
                new CopyTradingHandler(accounts, noBooks, () -> market)));
        return fixture;
    }

    /** A fixture for the one market aggregate. */
    public static FixtureConfiguration<Market> market() {
        AggregateTestFixture<Market> fixture = new AggregateTestFixture<>(Market.class);
        fixture.registerAnnotatedCommandHandler(new MarketCommandHandler(
                new EventSourcedAggregates<>(Market.class, fixture.getRepository(),
                        new SingleAggregateEventStore(fixture.getEventStore(), Market.ID), null)));
        return fixture;
    }
}
