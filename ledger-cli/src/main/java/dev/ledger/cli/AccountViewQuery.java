package dev.ledger.cli;

import dev.ledger.api.Ledger;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.Optional;

/**
 * A query of one account's view (balance, risk, performance), now from the read models or, with
 * {@code --at}, as of an instant from the events.
 *
 * @param <V> the view
 */
abstract class AccountViewQuery<V> extends ViewQuery<V> {

    @Parameters(paramLabel = "ACCOUNT", description = "the account, USER:TYPE (e.g. alice:FUTURES)")
    String account;

    @Option(names = "--at", paramLabel = "T", converter = IsoInstant.class,
            description = "answer as of T, an instant (2026-01-31T12:00:00Z, or with an offset) or a date (2026-01-31: "
                    + "its start in UTC), from the events stamped up to it and the marks recorded by then")
    Instant at;

    /** The view now, from the read models. */
    abstract Optional<V> now(Ledger ledger);

    /** The view as of {@code at}, from the events. */
    abstract Optional<V> asOf(Ledger ledger, Instant at);

    @Override
    boolean needsReadModels() {
        return at == null;
    }

    @Override
    final V find(Ledger ledger) {
        if (at == null) {
            return now(ledger).orElseThrow(() -> accountNotFound(account));
        }
        return asOf(ledger, at).orElseThrow(() -> accountNotFound(account, at));
    }
}
