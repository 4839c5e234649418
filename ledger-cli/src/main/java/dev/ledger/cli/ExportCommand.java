package dev.ledger.cli;

import dev.ledger.api.audit.AuditExport;
import dev.ledger.api.audit.ExportFilter;
import dev.ledger.api.audit.ExportFormat;
import dev.ledger.api.audit.ExportSummary;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.domain.value.AccountId;
import dev.ledger.domain.value.AccountType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** {@code ledger export}: the audit export, streamed from the event store, hash-chained (docs/audit-export.md). */
@Command(name = "export", description = {
        "Writes the events of the store (or of one account, one user, a time range) as an audit file:",
        "JSON Lines with a SHA-256 hash chain and a trailer (count, head hash), or CloudEvents 1.0.",
        "Streams: memory stays flat however many events. Check a file with 'ledger verify FILE'."})
final class ExportCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the file to write (replaced atomically; its directory must exist)")
    Path out;

    @Option(names = "--account", paramLabel = "USER:TYPE", description = "only this account's events")
    String account;

    @Option(names = "--user", paramLabel = "USER", description = "only the events of this user's accounts")
    String user;

    @Option(names = "--from", paramLabel = "T", description = "only events at or after T (ISO-8601 instant, or a date: its start in UTC)")
    String from;

    @Option(names = "--to", paramLabel = "T", description = "only events before T (ISO-8601 instant, or a date: its start in UTC)")
    String to;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl",
            description = "jsonl (default) or cloudevents (CloudEvents 1.0, structured mode)")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ExportFilter filter;
        ExportFormat exportFormat;
        try {
            filter = ExportFilter.parse(account, user, from, to);
            exportFormat = ExportFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(spec.qualifiedName() + ": " + e.getMessage());
        }
        String unwritable = FileProblem.unwritable(out);
        if (unwritable != null) {
            throw new CliFailure(spec.qualifiedName() + ": --out " + out + ": " + unwritable);
        }
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = Progress.onTerminal(err);
        ExportSummary summary;
        try (LedgerStore ledgerStore = LedgerStore.open(store.settings())) {
            checkExists(ledgerStore, filter, err);
            summary = AuditExport.write(ledgerStore, filter, exportFormat, out,
                    (written, position) -> progress.show("exported " + written + " events (position " + position + ")"));
        } catch (IOException e) {
            throw new CliFailure(spec.qualifiedName() + ": cannot write " + out + ": " + FileProblem.reason(e)
                    + "; check the path and free disk space", e);
        } finally {
            progress.done();
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("exported " + summary.describe() + " to " + out);
        stdout.flush();
        return ExitCodes.DONE;
    }

    /**
     * Refuses an account or user the store has never heard of (a typo would otherwise export nothing and
     * succeed), before anything is written; on a store with no events at all, says so.
     */
    private void checkExists(LedgerStore ledgerStore, ExportFilter filter, PrintWriter err) {
        boolean empty = ledgerStore.headIndex() < 0;
        String emptyStore = spec.qualifiedName() + ": the store at " + store.where() + " holds no events yet";
        if (filter.account() != null && !ledgerStore.hasEvents(filter.account())) {
            throw new CliFailure(empty ? emptyStore + "; check --db (or LEDGER_DB_URL); nothing was written"
                    : spec.qualifiedName() + ": ACCOUNT_NOT_FOUND: account " + filter.account()
                    + " has not been opened in the store at " + store.where() + "; check --account (USER:TYPE, TYPE one "
                    + "of FUTURES, COPY, ELITE, LEGACY) and --db; nothing was written");
        }
        if (filter.user() != null && Arrays.stream(AccountType.values())
                .noneMatch(type -> ledgerStore.hasEvents(AccountId.of(filter.user(), type).toString()))) {
            throw new CliFailure(empty ? emptyStore + "; check --db (or LEDGER_DB_URL); nothing was written"
                    : spec.qualifiedName() + ": ACCOUNT_NOT_FOUND: user " + filter.user()
                    + " has no account in the store at " + store.where() + "; check --user and --db; nothing was written");
        }
        if (empty) {
            err.println(emptyStore + "; check --db (or LEDGER_DB_URL) if you expected events in the export");
            err.flush();
        }
    }
}
