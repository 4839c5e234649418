package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.json.ViewJson;
import dev.ledger.domain.value.AccountId;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * A {@code query} subcommand: opens the store, asks one read model for one view, and prints it as a
 * table or, with {@code --json}, in the shape of {@code cli.md}. A new query is a subclass with its
 * parameters, {@link #find} and {@link #printTable}, registered in {@link QueryCommand}.
 *
 * @param <V> the view (a record whose JSON form is the contract)
 */
abstract class ViewQuery<V> implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Option(names = "--json", description = "print one JSON document instead of a table")
    boolean json;

    @Spec
    CommandSpec spec;

    /** Refuses malformed parameters before the store is opened; none by default. */
    void checkParameters() {
    }

    /**
     * Whether the answer comes from the read models, which then run and catch up first; a point-in-time
     * answer is built from the events alone.
     */
    boolean needsReadModels() {
        return true;
    }

    /** The view, or a {@link CliFailure} when there is none (an unknown account: ACCOUNT_NOT_FOUND). */
    abstract V find(Ledger ledger);

    abstract void printTable(V view, PrintWriter out);

    @Override
    public Integer call() {
        checkParameters();
        V view;
        boolean empty;
        try (Ledger ledger = StoreOptions.builder(store.settingsForReading()).startReadModels(needsReadModels()).build()) {
            empty = ledger.store().headIndex() < 0;
            try {
                view = find(ledger);
            } catch (CliFailure notFound) {
                // Nothing can be found in a store that holds nothing: most likely --db names the wrong one.
                throw empty ? new CliFailure(emptyStore() + "; check --db (or LEDGER_DB_URL), or apply commands first") : notFound;
            }
        }
        if (empty) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(emptyStore() + "; check --db (or LEDGER_DB_URL) if you expected an answer from it");
            err.flush();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ViewJson.write(view));
        } else {
            printTable(view, out);
        }
        out.flush();
        return ExitCodes.DONE;
    }

    /** The line for a store that holds no event at all (a brand-new one): nothing can be found in it. */
    String emptyStore() {
        return spec.qualifiedName() + ": the store at " + store.where() + " holds no events yet";
    }

    /** The failure for an account the store does not know, as {@code cli.md} asks: exit 2, ACCOUNT_NOT_FOUND. */
    CliFailure accountNotFound(String account) {
        return new CliFailure(spec.qualifiedName() + ": ACCOUNT_NOT_FOUND: account " + account
                + " has not been opened in the store at " + store.where()
                + "; check the name (USER:TYPE, TYPE one of FUTURES, COPY, ELITE, LEGACY) and --db");
    }

    /** The same for a point-in-time query: the account did not exist yet at {@code at}, or at all. */
    CliFailure accountNotFound(String account, Instant at) {
        return new CliFailure(spec.qualifiedName() + ": ACCOUNT_NOT_FOUND: account " + account
                + " had not been opened by " + at + " in the store at " + store.where()
                + "; check the name (USER:TYPE, TYPE one of FUTURES, COPY, ELITE, LEGACY), --at and --db");
    }

    /** Refuses a user name that cannot be one, before the store is opened. */
    void checkUser(String user, String label) {
        if (!AccountId.isValidUser(user)) {
            throw new CliFailure(spec.qualifiedName() + ": " + label + " \"" + user + "\" is not a user name; user names match "
                    + AccountId.USER_PATTERN + " (the part of an account name before the colon)");
        }
    }
}
