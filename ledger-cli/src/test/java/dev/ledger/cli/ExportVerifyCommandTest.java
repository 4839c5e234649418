package dev.ledger.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExportVerifyCommandTest {

    @TempDir
    Path directory;

    private String storeWithHistory() throws IOException {
        String db = CliRun.freshDatabase("export");
        Path commands = directory.resolve("commands.jsonl");
        Files.writeString(commands, String.join("\n",
                "{\"id\":\"1\",\"type\":\"OpenAccount\",\"account\":\"alice:FUTURES\"}",
                "{\"id\":\"2\",\"type\":\"OpenAccount\",\"account\":\"alice:COPY\"}",
                "{\"id\":\"3\",\"type\":\"Deposit\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":\"100\"}",
                "{\"id\":\"4\",\"type\":\"Transfer\",\"from\":\"alice:FUTURES\",\"to\":\"alice:COPY\",\"asset\":\"USDT\",\"amount\":\"40\"}",
                "{\"id\":\"5\",\"type\":\"OpenAccount\",\"account\":\"bob:FUTURES\"}"), StandardCharsets.UTF_8);
        assertThat(CliRun.of("apply", commands.toString(), "--db", db).exitCode()).isEqualTo(ExitCodes.DONE);
        return db;
    }

    @Test
    void exportsEveryEventAndVerifiesTheFileAsIntact() throws IOException {
        String db = storeWithHistory();
        Path out = directory.resolve("audit.jsonl");

        CliRun export = CliRun.of("export", "--out", out.toString(), "--db", db);

        assertThat(export.exitCode()).isEqualTo(ExitCodes.DONE);
        assertThat(export.out()).startsWith("exported 7 events, head ");
        CliRun verify = CliRun.of("verify", out.toString());
        assertThat(verify.exitCode()).isEqualTo(ExitCodes.DONE);
        assertThat(verify.out()).startsWith("OK 7 events, head ");
        // 7 events and the trailer.
        assertThat(Files.readAllLines(out)).hasSize(8);
    }

    @Test
    void exportsOneUsersEventsInCloudEventsFormat() throws IOException {
        String db = storeWithHistory();
        Path out = directory.resolve("bob.jsonl");

        CliRun export = CliRun.of("export", "--out", out.toString(), "--user", "bob", "--format", "cloudevents", "--db", db);

        assertThat(export.exitCode()).isEqualTo(ExitCodes.DONE);
        assertThat(export.out()).startsWith("exported 1 events");
        assertThat(Files.readString(out)).contains("\"specversion\":\"1.0\"");
        assertThat(CliRun.of("verify", out.toString()).exitCode()).isEqualTo(ExitCodes.DONE);
    }

    @Test
    void namesTheFirstBadLineOfAChangedFile() throws IOException {
        String db = storeWithHistory();
        Path out = directory.resolve("audit.jsonl");
        CliRun.of("export", "--out", out.toString(), "--db", db);
        List<String> lines = new ArrayList<>(Files.readAllLines(out));
        lines.set(2, lines.get(2).replace("\"100\"", "\"900\""));
        Files.write(out, lines);

        CliRun verify = CliRun.of("verify", out.toString());

        assertThat(verify.exitCode()).isEqualTo(ExitCodes.PROBLEM_REPORTED);
        assertThat(verify.err()).startsWith(out + ":3: ");
    }

    @Test
    void refusesAMalformedTimeWithExitTwoAndNamesTheOption() throws IOException {
        String db = storeWithHistory();

        CliRun export = CliRun.of("export", "--out", directory.resolve("x.jsonl").toString(), "--from", "yesterday",
                "--db", db);

        assertThat(export.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(export.err()).contains("--from");
        assertThat(Files.exists(directory.resolve("x.jsonl"))).isFalse();
    }
}
