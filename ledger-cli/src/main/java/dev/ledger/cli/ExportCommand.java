package dev.ledger.cli;

import dev.ledger.api.audit.AuditExport;
import dev.ledger.api.audit.ExportFilter;
import dev.ledger.api.audit.ExportFormat;
import dev.ledger.api.audit.ExportSummary;
import dev.ledger.api.store.LedgerStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ledger export}: the audit export, streamed from the event store, hash-chained (docs/audit-export.md). */
@Command(name = "export", description = {
        "Writes the events of the store (or of one account, one user, a time range) as an audit file:",
        "JSON Lines with a SHA-256 hash chain and a trailer (count, head hash), or CloudEvents 1.0.",
        "Streams: memory stays flat however many events. Check a file with 'ledger verify FILE'."})
final class ExportCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the file to write (replaced atomically)")
    Path out;

    @Option(names = "--account", paramLabel = "USER:TYPE", description = "only this account's events")
    String account;

    @Option(names = "--user", paramLabel = "USER", description = "only the events of this user's accounts")
    String user;

    @Option(names = "--from", paramLabel = "T", description = "only events at or after T (ISO-8601 instant)")
    String from;

    @Option(names = "--to", paramLabel = "T", description = "only events before T (ISO-8601 instant)")
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
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = Progress.onTerminal(err);
        ExportSummary summary;
        try (LedgerStore ledgerStore = LedgerStore.open(store.settings())) {
            summary = AuditExport.write(ledgerStore, filter, exportFormat, out,
                    (written, position) -> progress.show("exported " + written + " events (position " + position + ")"));
        } catch (IOException e) {
            throw new CliFailure(spec.qualifiedName() + ": cannot write " + out + ": " + e.getMessage()
                    + "; check the path and free disk space");
        } finally {
            progress.done();
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("exported " + summary.describe() + " to " + out);
        stdout.flush();
        return ExitCodes.DONE;
    }
}
