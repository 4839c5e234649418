package dev.ledger.domain.testing;

import dev.ledger.domain.account.Account;
import dev.ledger.domain.account.AccountCommandHandler;
import dev.ledger.domain.account.CopyTradingHandler;
import dev.ledger.domain.copy.LeaderBook;
import dev.ledger.domain.account.MigrationCommandHandler;
import dev.ledger.domain.command.Command;
import dev.ledger.domain.command.CommandRejectedException;
import dev.ledger.domain.market.Market;
import dev.ledger.domain.market.MarketCommandHandler;
import dev.ledger.domain.support.EventSourcedAggregates;
import dev.ledger.domain.value.RejectionCode;
import org.axonframework.commandhandling.CommandResultMessage;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.AnnotationCommandHandlerAdapter;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The ledger's write side wired as {@code Ledger} wires it (simple command bus, event-sourcing
 * repositories, the external handlers, the real {@link Market} as the accounts' market) over an
 * in-memory event store. For what one fixture cannot hold: commands that touch two accounts, or
 * account checks that look at the user's other accounts. Aggregates are rebuilt from the store on
 * every command (no cache), so every decision is made on event-sourced state.
 */
public final class InMemoryLedger implements AutoCloseable {

    private final InMemoryEventStorageEngine storage = new InMemoryEventStorageEngine();
    private final EmbeddedEventStore eventStore = EmbeddedEventStore.builder().storageEngine(storage).build();
    private final SimpleCommandBus commandBus = SimpleCommandBus.builder().build();
    private final RecordingReminders reminders = new RecordingReminders();

    public InMemoryLedger() {
        EventSourcingRepository<Account> accounts = EventSourcingRepository.builder(Account.class)
                .eventStore(eventStore).build();
        EventSourcingRepository<Market> markets = EventSourcingRepository.builder(Market.class)
                .eventStore(eventStore).build();
        MarketCommandHandler marketHandler = new MarketCommandHandler(
                new EventSourcedAggregates<>(Market.class, markets, eventStore, null));
        new AnnotationCommandHandlerAdapter<>(marketHandler).subscribe(commandBus);
        EventSourcedAggregates<Account> accountAggregates =
                new EventSourcedAggregates<>(Account.class, accounts, eventStore, null);
        EventSourcingRepository<LeaderBook> books = EventSourcingRepository.builder(LeaderBook.class)
                .eventStore(eventStore).build();
        CopyTradingHandler copyTrading = new CopyTradingHandler(accountAggregates,
                new EventSourcedAggregates<>(LeaderBook.class, books, eventStore, null), marketHandler::current);
        new AnnotationCommandHandlerAdapter<>(copyTrading).subscribe(commandBus);
        new AnnotationCommandHandlerAdapter<>(new AccountCommandHandler(accountAggregates, marketHandler::current,
                copyTrading)).subscribe(commandBus);
        new AnnotationCommandHandlerAdapter<>(new MigrationCommandHandler(accountAggregates, reminders))
                .subscribe(commandBus);
    }

    /** What the migration command handler asked of the reminder port. */
    public RecordingReminders reminders() {
        return reminders;
    }

    /** Sends a command that must be accepted. */
    public InMemoryLedger accept(Command... commands) {
        for (Command command : commands) {
            Throwable failure = dispatch(command);
            if (failure != null) {
                throw new AssertionError(command + " was not accepted: " + failure, failure);
            }
        }
        return this;
    }

    /** Sends a command and returns its refusal code, or {@code null} when it was accepted. */
    public RejectionCode send(Command command) {
        Throwable failure = dispatch(command);
        if (failure == null) {
            return null;
        }
        if (failure instanceof CommandRejectedException refusal) {
            return refusal.code();
        }
        throw new AssertionError(command + " failed with something other than a refusal: " + failure, failure);
    }

    /**
     * Sends commands in one group, as the ledger's group-commit writer does: one root unit of work,
     * each command in its own nested unit of work (a refusal rolls back only that command), the root
     * committed at the end. Returns each command's refusal code, or {@code null} when it was accepted.
     */
    public List<RejectionCode> sendInOneGroup(Command... commands) {
        UnitOfWork<?> root = DefaultUnitOfWork.startAndGet(new GenericMessage<>("group of " + commands.length));
        try {
            List<RejectionCode> codes = new ArrayList<>(commands.length);
            for (Command command : commands) {
                codes.add(send(command));
            }
            root.commit();
            return codes;
        } catch (RuntimeException | Error failure) {
            if (root.isActive()) {
                root.rollback(failure);
            }
            throw failure;
        }
    }

    /** The payloads of the events of one aggregate, in order. */
    public List<Object> events(String aggregateId) {
        return eventStore.readEvents(aggregateId).asStream().map(Message::getPayload).collect(Collectors.toList());
    }

    /** The payloads of every event in the store, in the order they were appended. */
    public List<Object> allEvents() {
        return storage.readEvents(null, false).map(EventMessage::getPayload).collect(Collectors.toList());
    }

    /**
     * Sends a command and returns what it failed with ({@code null} when it was accepted), refusal or
     * not: for commands whose failure is a bug ({@code IllegalStateException}), not a refusal.
     */
    public Throwable failure(Command command) {
        return dispatch(command);
    }

    private Throwable dispatch(Command command) {
        AtomicReference<CommandResultMessage<?>> result = new AtomicReference<>();
        commandBus.dispatch(GenericCommandMessage.asCommandMessage(command), (message, outcome) -> result.set(outcome));
        CommandResultMessage<?> outcome = result.get();
        if (outcome == null) {
            throw new AssertionError("the simple command bus answers synchronously; no outcome for " + command);
        }
        return outcome.isExceptional() ? outcome.exceptionResult() : null;
    }

    @Override
    public void close() {
        eventStore.shutDown();
    }
}
