package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.json.ViewJson;
import dev.ledger.api.read.ProjectionStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ledger status}: how far each read model has come, from the store's own records, without
 * starting anything.
 */
@Command(name = "status", description = {
        "Shows each read model's position against the head of the event store: the lag, the process that last "
                + "moved it and when, and whether some process is applying events to it right now.",
        "JSON: {\"head\", \"readModels\": [{\"name\", \"position\", \"lag\", \"owner\", \"progressAt\", \"applying\"}]}."})
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--json", description = "print one JSON document instead of a table")
    boolean json;

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    /** One read model as the command shows it. */
    record ReadModel(String name, long position, long lag, String owner, Instant progressAt, boolean applying) {
    }

    record Status(long head, List<ReadModel> readModels) {
    }

    @Override
    public Integer call() {
        Status status;
        try (Ledger ledger = StoreOptions.builder(store.settingsForReading()).startReadModels(false).build()) {
            List<ProjectionStatus> models = ledger.readModelStatus();
            long head = models.isEmpty() ? ledger.store().headIndex() : models.get(0).head();
            status = new Status(head, models.stream()
                    .map(m -> new ReadModel(m.name(), m.position(), Math.max(0, head - m.position()), m.owner(),
                            m.progressAt(), m.applying()))
                    .toList());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ViewJson.write(status));
        } else {
            out.println("head of the event store: " + (status.head() < 0 ? "empty" : Long.toString(status.head())));
            TextTable table = TextTable.withLabelColumn("read model", "position", "lag", "last moved by", "last moved at",
                    "applying now");
            for (ReadModel model : status.readModels()) {
                table.row(model.name(), Long.toString(model.position()), Long.toString(model.lag()),
                        model.owner() == null ? "-" : model.owner(),
                        model.progressAt() == null ? "never" : model.progressAt().toString(),
                        model.applying() ? "yes" : "no");
            }
            table.print(out, "");
        }
        out.flush();
        return ExitCodes.DONE;
    }
}
