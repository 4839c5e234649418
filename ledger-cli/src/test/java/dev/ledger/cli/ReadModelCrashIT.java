package dev.ledger.cli;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.json.CommandJson;
import dev.ledger.api.json.MalformedCommandException;
import dev.ledger.api.rebuild.ProjectionRebuilder;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.MixedCommandFile;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.Recomputed;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.projections.ProjectionCatalog;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writer killed with SIGKILL at a random moment of a long {@code ledger apply}, and the same file
 * sent again, round after round on one store: after every round each read model reaches the head of
 * the event store within a bounded wait and equals a rebuild from the events; at the end the balances equal
 * those folded from the raw events. The killed process is a child JVM running the command line; it owns
 * the store (the H2 file, or its PostgreSQL connections) when it dies. {@code -Dcrash.rounds=N} changes
 * the number of rounds.
 */
class ReadModelCrashIT {

    private static final int ROUNDS = Integer.getInteger("crash.rounds", 10);
    private static final int COMMANDS = 600;

    @OnEveryStore
    void readModelsCatchUpAndEqualARebuildAfterEveryKilledApply(StoreKind kind, @TempDir Path directory)
            throws Exception {
        StoreSettings settings = Stores.durable(kind, directory.resolve("store"));
        int killedMidApply = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long seed = 7_000L + round;
            Random random = new Random(seed);
            List<String> lines = MixedCommandFile.lines(seed, "r" + round + "-", COMMANDS);
            Path file = MixedCommandFile.write(directory.resolve("round-" + round + ".jsonl"), lines);

            Process child = startApply(file, settings, directory.resolve("round-" + round + ".log"));
            // The JVM starts in about a second and the apply takes one or two more: a kill anywhere in between.
            long killAfterMillis = 700 + random.nextInt(2_000);
            if (!child.waitFor(killAfterMillis, TimeUnit.MILLISECONDS)) {
                child.destroyForcibly();
                killedMidApply++;
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child ended").isTrue();

            try (Ledger ledger = Ledger.builder().store(settings).readModelTimeout(Duration.ofSeconds(90)).build()) {
                List<Outcome> outcomes = ledger.executeAll(parse(lines));
                assertThat(outcomes).as("round %d: every command has an outcome", round).hasSize(lines.size());
                ledger.awaitReadModels();
                long head = ledger.store().headIndex();
                assertThat(ledger.readModelStatus()).as("round %d", round).allSatisfy(status -> {
                    assertThat(status.position()).as(status.name()).isEqualTo(head);
                    assertThat(status.error()).as(status.name()).isNull();
                });
                for (ProjectionRebuilder.Result rebuilt : new ProjectionRebuilder(ledger.store())
                        .rebuildAll(ProjectionCatalog.names(), true, ProjectionRebuilder.Progress.NONE)) {
                    assertThat(rebuilt.differences()).as("round %d: live read model %s against its rebuild", round,
                            rebuilt.projection()).isEmpty();
                }
                if (round == ROUNDS - 1) {
                    // Once, over the whole history: the balances equal those folded from the raw events.
                    Recomputed folded = Recomputed.fold(RawEvents.accountEvents(ledger.store().dataSource()));
                    assertThat(Recomputed.readModel(ledger, folded.accounts())).as("balances").isEqualTo(folded.balances());
                }
            }
        }
        System.out.printf("ReadModelCrashIT on %s: %d of %d applies killed in the middle%n", kind, killedMidApply, ROUNDS);
        assertThat(killedMidApply).as("applies killed before they finished").isGreaterThanOrEqualTo(ROUNDS / 2);
    }

    private static Process startApply(Path file, StoreSettings settings, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                LedgerCommandLine.class.getName(), "apply", file.toString(), "--db", settings.jdbcUrl()));
        if (!settings.user().isEmpty()) {
            command.addAll(List.of("--db-user", settings.user(), "--db-password", settings.password()));
        }
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<LedgerCommand> parse(List<String> lines) throws MalformedCommandException {
        List<LedgerCommand> commands = new ArrayList<>(lines.size());
        for (String line : lines) {
            commands.add(CommandJson.parse(line));
        }
        return commands;
    }
}
