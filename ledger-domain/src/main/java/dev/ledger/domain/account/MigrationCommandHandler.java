package dev.ledger.domain.account;

import dev.ledger.domain.command.CommandChecks;
import dev.ledger.domain.command.CommandRejectedException;
import dev.ledger.domain.command.StartMigration;
import dev.ledger.domain.migration.CompleteMigration;
import dev.ledger.domain.migration.MarkMigrationOverdue;
import dev.ledger.domain.migration.MigrationReminders;
import dev.ledger.domain.support.EventSourcedAggregates;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import dev.ledger.domain.value.Book;
import dev.ledger.domain.value.RejectionCode;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The account side of the legacy migration. {@link StartMigration} marks the legacy account; the
 * migration saga sends {@link CompleteMigration} once no COPY or ELITE position is open, and it runs in
 * the same unit of work (and database transaction) as the command whose event made it possible, so a
 * migration that completes is visible to every command sent after that command's outcome.
 */
public class MigrationCommandHandler {

    /**
     * Test seam, never set in production: called with the user between moving the funds and moving the
     * positions of a completion, so that a test can fail a completion exactly there and show that the
     * whole triggering command rolls back. Package-private; tests reach it from this package.
     */
    static volatile Consumer<String> afterFundsMoved = user -> {
    };

    private final EventSourcedAggregates<Account> accounts;
    private final MigrationReminders reminders;

    public MigrationCommandHandler(EventSourcedAggregates<Account> accounts, MigrationReminders reminders) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.reminders = Objects.requireNonNull(reminders, "reminders");
    }

    @CommandHandler
    public void handle(StartMigration command) {
        CommandChecks.require(command);
        AccountId legacyId = AccountId.of(command.user(), AccountType.LEGACY);
        Aggregate<Account> legacy = accounts.find(legacyId.toString()).orElseThrow(() -> new CommandRejectedException(
                RejectionCode.ACCOUNT_NOT_FOUND, "user " + command.user() + " has no LEGACY account to migrate"));
        legacy.execute(a -> a.startMigration(command.user()));
    }

    @CommandHandler
    public void handle(MarkMigrationOverdue command) {
        accounts.find(AccountId.of(command.user(), AccountType.LEGACY).toString())
                .ifPresent(legacy -> legacy.execute(a -> a.markMigrationOverdue(command.user())));
        reminders.cancel(command.user());
    }

    @CommandHandler
    public void handle(CompleteMigration command) {
        String user = command.user();
        AccountId legacyId = AccountId.of(user, AccountType.LEGACY);
        Aggregate<Account> legacy = accounts.find(legacyId.toString()).orElseThrow(() ->
                new IllegalStateException("CompleteMigration for " + user + ", who has no LEGACY account"));
        Account legacyState = legacy.invoke(a -> a);
        if (legacyState.isRetired()) {
            return;
        }
        if (!legacyState.isMigrationStarted()
                || legacyState.openPositions(Book.COPY) > 0
                || legacyState.openPositions(Book.ELITE) > 0) {
            throw new IllegalStateException("CompleteMigration for " + user + " before its copy and elite positions closed");
        }
        List<String> opened = new ArrayList<>();
        Aggregate<Account> futures = open(AccountId.of(user, AccountType.FUTURES), opened);
        open(AccountId.of(user, AccountType.COPY), opened);
        if (legacyState.everHadEliteFill()) {
            open(AccountId.of(user, AccountType.ELITE), opened);
        }
        String legacyName = legacyId.toString();
        String futuresName = AccountId.of(user, AccountType.FUTURES).toString();
        for (String asset : legacyState.assets()) {
            BigDecimal amount = legacyState.wallet(asset);
            legacy.execute(a -> a.migrateFundsOut(asset, futuresName));
            futures.execute(a -> a.migrateFundsIn(asset, legacyName, amount));
        }
        afterFundsMoved.accept(user);
        for (Position position : legacyState.personalPositions()) {
            legacy.execute(a -> a.migratePositionOut(position, futuresName));
            futures.execute(a -> a.migratePositionIn(position, legacyName));
        }
        legacy.execute(a -> a.completeMigration(user, opened));
    }

    private Aggregate<Account> open(AccountId id, List<String> opened) {
        Optional<Aggregate<Account>> existing = accounts.find(id.toString());
        if (existing.isPresent()) {
            throw new IllegalStateException(id + " exists before its user's migration completed");
        }
        opened.add(id.toString());
        return accounts.create(id.toString(), () -> new Account(id));
    }
}
