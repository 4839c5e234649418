package dev.ledger.domain.account;

import dev.ledger.domain.value.AccountId;
import org.axonframework.common.caching.Cache;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;

import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Finds and opens accounts. Whether an account exists is answered without an exception where the
 * answer is in memory (the aggregate cache, or an account opened earlier in the same command group),
 * and with one look at the event store otherwise; only accounts that exist are loaded.
 */
public final class AccountRepository {

    private static final String OPENED_IN_GROUP = AccountRepository.class.getName() + ".opened";

    private final Repository<Account> repository;
    private final EventStore eventStore;
    private final Cache cache;

    public AccountRepository(Repository<Account> repository, EventStore eventStore, Cache cache) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.eventStore = Objects.requireNonNull(eventStore, "eventStore");
        this.cache = cache;
    }

    public Optional<Aggregate<Account>> find(AccountId id) {
        String key = id.toString();
        boolean exists = (cache != null && cache.containsKey(key))
                || openedInGroup().contains(key)
                || eventStore.lastSequenceNumberFor(key).isPresent();
        return exists ? Optional.of(repository.load(key)) : Optional.empty();
    }

    Aggregate<Account> open(AccountId id) {
        try {
            Aggregate<Account> account = repository.newInstance(() -> new Account(id));
            openedInGroup().add(id.toString());
            return account;
        } catch (Exception e) {
            throw new IllegalStateException("cannot open " + id, e);
        }
    }

    private static Set<String> openedInGroup() {
        return CurrentUnitOfWork.get().root().getOrComputeResource(OPENED_IN_GROUP, k -> new HashSet<>());
    }
}
